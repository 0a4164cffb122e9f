package io.bpf4j.structs.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.core.Disassembler;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Context reads as verifier-syntax listings. */
class TracepointReadsTest {

    private static String text(List<Instruction> insns) {
        return insns.stream().map(Disassembler::format).collect(Collectors.joining("\n"));
    }

    @Test
    void dataLocStringIsCopiedWithProbeReadKernelStr() throws IOException {
        TracepointField filename = TracepointFormatTest.exec().field("filename");
        assertEquals(String.join("\n",
                "r3 = *(u32 *)(r6 +8)",
                "r3 &= 65535",
                "r3 += r6",
                "r1 = r7",
                "r1 += 24",
                "r2 = 256",
                "call bpf_probe_read_kernel_str#115"),
                text(TracepointReads.readDataLocString(filename, Reg.R6, Reg.R7, 24, 256)));
    }

    @Test
    void contextInR3UsesR2AsScratch() throws IOException {
        TracepointField filename = TracepointFormatTest.exec().field("filename");
        assertEquals(String.join("\n",
                "r2 = *(u32 *)(r3 +8)",
                "r2 &= 65535",
                "r3 += r2",
                "r1 = r10",
                "r1 += -64",
                "r2 = 64",
                "call bpf_probe_read_kernel_str#115"),
                text(TracepointReads.readDataLocString(filename, Reg.R3, Reg.R10, -64, 64)));
    }

    @Test
    void plainFieldsLoadStraightFromTheContext() throws IOException {
        TracepointFormat exec = TracepointFormatTest.exec();
        assertEquals("r7 = *(u32 *)(r1 +12)", text(TracepointReads.load(exec.field("pid"), Reg.R1, Reg.R7)));
        assertEquals("r0 = *(u16 *)(r1 +0)", text(TracepointReads.load(exec.field("common_type"), Reg.R1, Reg.R0)));
    }

    @Test
    void misuseIsRejected() throws IOException {
        TracepointFormat exec = TracepointFormatTest.exec();
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readDataLocString(exec.field("pid"), Reg.R1, Reg.R7, 0, 16));
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readDataLocString(exec.field("filename"), Reg.R1, Reg.R2, 0, 16));
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readDataLocString(exec.field("filename"), Reg.R1, Reg.R7, 0, 0));
    }
}
