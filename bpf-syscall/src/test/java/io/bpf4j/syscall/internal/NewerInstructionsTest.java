package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each instruction newer than Linux 6.1's verifier is found, after a prefix every kernel knows. */
class NewerInstructionsTest {

    /** A two-slot ld_imm64, an unsigned division, a move and a zero-extending load: all old. */
    private static ProgramBuilder oldPrefix() {
        return Program.builder()
                .ldImm64(Reg.R1, -1L)
                .div64(Reg.R1, 3)
                .mov64(Reg.R2, Reg.R1)
                .ldxb(Reg.R3, Reg.R10, -8);
    }

    @Test
    void everyFourthSetInstructionAndMayGotoIsFoundAtItsSlot() {
        List<UnaryOperator<ProgramBuilder>> newer = List.of(
                b -> b.ldsxb(Reg.R0, Reg.R10, -8),
                b -> b.movsx64(Reg.R0, Reg.R1, 16),
                b -> b.sdiv64(Reg.R0, Reg.R1),
                b -> b.smod32(Reg.R0, 7),
                b -> b.bswap(Reg.R0, 32),
                b -> b.gotol("end").label("end"),
                b -> b.mayGoto("end").label("end"));
        for (UnaryOperator<ProgramBuilder> insn : newer) {
            byte[] code = insn.apply(oldPrefix()).mov64(Reg.R0, 0).exit().build().assemble();
            assertEquals(5, NewerInstructions.firstSlot(code), "slots: ld_imm64 (2), div, mov, ldx, then the new one");
        }
    }

    @Test
    void aProgramOfOlderInstructionsHasNone() {
        byte[] code = oldPrefix().be(Reg.R1, 32).ja("end").label("end").mov64(Reg.R0, 0).exit().build().assemble();
        assertEquals(-1, NewerInstructions.firstSlot(code));
    }
}
