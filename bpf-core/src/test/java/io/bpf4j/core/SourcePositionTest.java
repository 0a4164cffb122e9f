package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SourcePositionTest {

    private static int here() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow()).getLineNumber();
    }

    @Test
    void rejectedInstructionPointsAtTheJavaLineThatAppendedIt() {
        ProgramBuilder b = Program.builder().recordSourcePositions(true);
        b.mov64(Reg.R0, 0);
        b.jeq(Reg.R0, 0, "nowhere"); int line = here();
        b.exit();
        Program p = b.build();
        AssemblyException e = assertThrows(AssemblyException.class, p::assemble);
        SourcePosition pos = p.sourcePosition(e.instruction()).orElseThrow();
        assertEquals("SourcePositionTest.java", pos.file());
        assertEquals(line, pos.line());
        assertEquals(true, e.getMessage().endsWith(" (appended at SourcePositionTest.java:" + line + ")"), e.getMessage());
        assertEquals("rejectedInstructionPointsAtTheJavaLineThatAppendedIt", pos.method());
    }

    @Test
    void listingCarriesTheJavaLineOfEachInstruction() {
        ProgramBuilder b = Program.builder().recordSourcePositions(true);
        b.mov64(Reg.R0, 0); int first = here();
        b.append(Fragments.ktimeGetNs()); int second = here();
        b.exit(); int third = here();
        assertEquals(String.join("\n",
                "0: (b7) r0 = 0  ; SourcePositionTest.java:" + first,
                "1: (85) call bpf_ktime_get_ns#5  ; SourcePositionTest.java:" + second,
                "2: (95) exit  ; SourcePositionTest.java:" + third, ""), Disassembler.listing(b.build()));
    }

    @Test
    void recordingOffWalksNoStack() {
        AtomicInteger walks = new AtomicInteger();
        Supplier<SourcePosition> real = ProgramBuilder.positionSource;
        ProgramBuilder.positionSource = () -> {
            walks.incrementAndGet();
            return real.get();
        };
        try {
            Program off = Program.builder().mov64(Reg.R0, 0).ktimeGetNs().exit().build();
            assertEquals(0, walks.get());
            assertFalse(off.hasSourcePositions());
            assertTrue(off.sourcePosition(0).isEmpty());
            Program on = Program.builder().recordSourcePositions(true).mov64(Reg.R0, 0).ktimeGetNs().exit().build();
            assertEquals(3, walks.get());
            assertTrue(on.hasSourcePositions());
        } finally {
            ProgramBuilder.positionSource = real;
        }
    }
}
