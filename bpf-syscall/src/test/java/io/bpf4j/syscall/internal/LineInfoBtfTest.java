package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.SourcePosition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A program's line table as bpf_line_info: one record per change of line, one per function start. */
class LineInfoBtfTest {
    private static final SourcePosition A = new SourcePosition("p.Probe", "run", "Probe.java", 10);
    private static final SourcePosition B = new SourcePosition("p.Probe", "run", "Probe.java", 11);

    @Test
    void oneRecordPerLineChangeAtTheSlotsTheLinesStart() {
        Program built = Program.builder()
                .mov64(Reg.R1, 0)                // line 10
                .ldImm64(Reg.R2, 1L << 40)       // line 10, two slots
                .mov64(Reg.R0, 0)                // line 11, slot 3
                .exit()                          // line 11
                .build();
        List<SourcePosition> pos = List.of(A, A, B, B);
        Program p = Program.of(built.instructions(), pos);
        LineInfoBtf li = LineInfoBtf.of(p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, true), ByteOrder.LITTLE_ENDIAN, "probe");
        assertEquals(2, li.lineInfoCount());
        assertEquals(1, li.funcInfoCount());
        ByteBuffer lines = ByteBuffer.wrap(li.lineInfo()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, lines.getInt(0));
        assertEquals(10 << 10, lines.getInt(12));
        assertEquals(3, lines.getInt(16));
        assertEquals(11 << 10, lines.getInt(28));
        String strings = strings(li.btf());
        assertTrue(strings.contains("Probe.java"), strings);
        assertTrue(strings.contains("Probe.run(Probe.java:11)"), strings);
        assertEquals(string(li.btf(), lines.getInt(4)), "Probe.java");
        assertEquals(string(li.btf(), lines.getInt(24)), "Probe.run(Probe.java:11)");
    }

    @Test
    void everyFunctionStartHasARecordEvenOnTheSameLine() {
        Program built = Program.builder()
                .callLocal("sub").mov64(Reg.R0, 0).exit()
                .label("sub").mov64(Reg.R0, 1).exit()
                .build();
        List<SourcePosition> pos = new ArrayList<>();
        for (Instruction ignored : built.instructions()) {
            pos.add(A);
        }
        Program p = Program.of(built.instructions(), pos);
        LineInfoBtf li = LineInfoBtf.of(p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, true), ByteOrder.LITTLE_ENDIAN, "probe");
        assertEquals(2, li.funcInfoCount());
        assertEquals(2, li.lineInfoCount());
        ByteBuffer lines = ByteBuffer.wrap(li.lineInfo()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, lines.getInt(0));
        assertEquals(3, lines.getInt(16));                // the subprogram's first slot
    }

    private static String strings(byte[] btf) {
        ByteBuffer b = ByteBuffer.wrap(btf).order(ByteOrder.LITTLE_ENDIAN);
        int hdr = b.getInt(4);
        int strOff = b.getInt(16);
        int strLen = b.getInt(20);
        return new String(btf, hdr + strOff, strLen, StandardCharsets.UTF_8);
    }

    private static String string(byte[] btf, int off) {
        String all = strings(btf);
        return all.substring(off, all.indexOf('\0', off));
    }
}
