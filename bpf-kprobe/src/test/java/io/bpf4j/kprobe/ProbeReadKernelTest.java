package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.core.Fragments;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The probe reads run by the kernel with the destination in r3 and the source in r1, the pair
 * whose registers must swap: a syscall program (run with BPF_PROG_TEST_RUN) copies two words of
 * its context to the stack with {@code bpf_probe_read_kernel} and back into the context, where
 * Java reads them.
 */
@KernelTest
class ProbeReadKernelTest {
    private static final long FIRST = 0x1122_3344_5566_7788L;
    private static final long SECOND = 0x0f1e_2d3c_4b5a_6978L;
    private static final long UNTOUCHED = 0x5a5a_5a5a_5a5a_5a5aL;

    @Test
    void destinationInR3AndSourceInR1ReadTheRightBytes() {
        Program p = Program.builder()
                .mov64(Reg.R6, Reg.R1)                                        // r6 = ctx
                .mov64(Reg.R3, Reg.R10)                                       // destination base in r3, source (ctx) in r1
                .append(ProbeHelpers.read(Memory.KERNEL, Reg.R3, -16, 8, Reg.R1, 16))   // stack[-16] = ctx[16..24)
                .ldxdw(Reg.R2, Reg.R10, -16)
                .stxdw(Reg.R6, 0, Reg.R2)                                     // ctx[0..8) = what was read
                .mov64(Reg.R3, Reg.R10).add64(Reg.R3, -8)
                .mov64(Reg.R1, Reg.R6).add64(Reg.R1, 24)
                .append(Fragments.probeReadKernel(Reg.R3, 8, Reg.R1))         // stack[-8] = ctx[24..32)
                .ldxdw(Reg.R2, Reg.R10, -8)
                .stxdw(Reg.R6, 8, Reg.R2)                                     // ctx[8..16) = what was read
                .mov64(Reg.R0, 0)
                .exit()
                .build();
        ByteBuffer ctx = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
        ctx.putLong(0, UNTOUCHED).putLong(8, UNTOUCHED).putLong(16, FIRST).putLong(24, SECOND);
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.syscall("probe_read_swap", p).license("GPL"))) {
            assertEquals(0, prog.run(ctx));
        }
        assertEquals(Long.toHexString(FIRST), Long.toHexString(ctx.getLong(0)), "ProbeHelpers.read(KERNEL, r3 - 16, 8, r1 + 16)");
        assertEquals(Long.toHexString(SECOND), Long.toHexString(ctx.getLong(8)), "Fragments.probeReadKernel(r3, 8, r1)");
        assertEquals(FIRST, ctx.getLong(16));
        assertEquals(SECOND, ctx.getLong(24));
    }
}
