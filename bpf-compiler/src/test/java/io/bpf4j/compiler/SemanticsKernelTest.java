package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.TestRun;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each {@link Semantics} program returns the same value compiled in the kernel as on the JVM, for
 * 10,000 random inputs (edge values mixed in); the seed is printed ({@code -Dbpf4j.seed=N} reruns).
 */
@KernelTest
class SemanticsKernelTest {
    private static final long[] EDGES = {0, 1, -1, 2, 7, 31, 32, 63, 64, 100, 1000, -5, 100000,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 0xffff_ffffL, 0x7f, 0x80};

    @ParameterizedTest
    @ValueSource(strings = {"arithmetic", "comparisons", "spills", "loops", "bigLoop", "millionIterations"})
    void kernelAndJvmAgree(String method) throws Exception {
        agree(method, BpfCompiler.create());
    }

    /** cpu v4's movsx, sdiv and smod, where the kernel has them (asked, not inferred from its version). */
    @ParameterizedTest
    @ValueSource(strings = {"arithmetic", "comparisons", "signedDivision"})
    void kernelAndJvmAgreeWithCpuV4(String method) throws Exception {
        Assumptions.assumeTrue(Features.system().hasInstructionSetV4(), "this kernel has no cpu v4 instructions");
        agree(method, BpfCompiler.create().target(Target.CPU_V4));
    }

    private static void agree(String method, BpfCompiler compiler) throws Exception {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println(method + ": seed " + seed);
        Random rnd = new Random(seed);
        java.lang.reflect.Method m = Semantics.class.getDeclaredMethod(method, SyscallContext.class);
        ToIntFunction<SyscallContext> jvm = c -> {
            try {
                return (int) m.invoke(null, c);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
        CompiledProgram p = compiler.compile(Semantics.class, method);
        try (Kernels k = new Kernels(p)) {
            int rounds = method.equals("millionIterations") ? 20 : 10_000;
            for (int i = 0; i < rounds; i++) {
                byte[] ctx = input(rnd);
                JvmKernel.current().reset();
                int expected = jvm.applyAsInt(SyscallContext.of(ctx));
                int actual = k.program.testRun(TestRun.ctx(ctx)).retval();
                assertEquals(expected, actual, method + " input " + java.util.HexFormat.of().formatHex(ctx) + " seed " + seed);
            }
        }
    }

    private static long value(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0: return EDGES[rnd.nextInt(EDGES.length)];
            case 1: return rnd.nextInt(200) - 100;
            case 2: return rnd.nextInt();
            default: return rnd.nextLong();
        }
    }

    private static byte[] input(Random rnd) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        b.putLong(value(rnd)).putLong(value(rnd)).putInt((int) value(rnd)).putInt((int) value(rnd)).putLong(value(rnd));
        return b.array();
    }
}
