package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A compiler's line table travels with the program it built. */
class ProgramOfPositionsTest {
    @Test
    void positionsGivenPerInstructionAreKeptAndNullMeansUnknown() {
        SourcePosition at = new SourcePosition("a.Probe", "run", "Probe.java", 7);
        Program p = Program.of(List.of(new AluInsn(AluOp.MOV, true, Reg.R0, null, 0), new ExitInsn()), Arrays.asList(at, null));
        assertTrue(p.hasSourcePositions());
        assertEquals(at, p.sourcePosition(0).orElseThrow());
        assertFalse(p.sourcePosition(1).isPresent());
    }

    @Test
    void aLineTableOfAnotherLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Program.of(List.of(new ExitInsn()), List.of()));
        assertTrue(e.getMessage().contains("one per instruction"), e.getMessage());
    }
}
