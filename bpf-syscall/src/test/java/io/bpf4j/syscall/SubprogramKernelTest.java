package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.core.Helper;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Programs with subprograms load with the BTF func_info bpf4j generates. */
@KernelTest
class SubprogramKernelTest {

    @Test
    void syscallProgramLoopsWithBpfLoopAndACallback() {
        // ctx: u64 n (in), u64 sum (out). sum = 0 + 1 + ... + (n-1) through bpf_loop(n, add, &sum, 0);
        // the callback's context must be on the stack (the verifier wants PTR_TO_STACK there).
        Program p = Program.builder()
                .mov64(Reg.R6, Reg.R1)
                .ldxdw(Reg.R1, Reg.R6, 0)
                .stdw(Reg.R10, -8, 0)
                .ldFunc(Reg.R2, "add")
                .mov64(Reg.R3, Reg.R10)
                .add64(Reg.R3, -8)
                .mov64(Reg.R4, 0)
                .call(Helper.LOOP)
                .ldxdw(Reg.R1, Reg.R10, -8)
                .stxdw(Reg.R6, 8, Reg.R1)
                .exit()
                .label("add")              // long add(u32 index, u64 *sum)
                .ldxdw(Reg.R3, Reg.R2, 0)
                .add64(Reg.R3, Reg.R1)
                .stxdw(Reg.R2, 0, Reg.R3)
                .mov64(Reg.R0, 0)
                .exit()
                .build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.syscall("loop_sum", p).license("GPL"))) {
            ByteBuffer ctx = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).putLong(0, 100);
            int iterations = prog.run(ctx);
            assertEquals(100, iterations);
            assertEquals(4950, ctx.getLong(8));
        }
    }

    @Test
    void bpfToBpfCallReturnsItsValue() {
        Program p = Program.builder()
                .mov64(Reg.R1, 20)
                .callLocal("twice")
                .add64(Reg.R0, 2)
                .exit()
                .label("twice")
                .mov64(Reg.R0, Reg.R1)
                .lsh64(Reg.R0, 1)
                .exit()
                .build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.syscall("call_local", p).license("GPL"))) {
            assertEquals(42, prog.testRun(TestRun.ctx(new byte[8])).retval());
        }
    }
}
