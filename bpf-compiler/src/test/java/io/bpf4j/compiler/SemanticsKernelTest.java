package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.TestRun;
import io.bpf4j.syscall.VerifierException;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.ToIntFunction;
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

    /**
     * cpu v4's movsx, sdiv and smod against the JVM where the kernel has them (asked, not inferred
     * from its version); where it has not, the kernel refuses the program and names the version.
     */
    @ParameterizedTest
    @ValueSource(strings = {"arithmetic", "comparisons", "signedDivision"})
    void kernelAndJvmAgreeWithCpuV4OrTheKernelRefusesIt(String method) throws Exception {
        BpfCompiler v4 = BpfCompiler.create().target(Target.CPU_V4);
        CompiledProgram p = v4.compile(Semantics.class, method);
        boolean usesV4 = p.program().instructions().stream().anyMatch(in -> BpfCompiler.cpuV4(in) != null);
        assertTrue(usesV4 || !method.equals("signedDivision"), p.listing());
        if (Features.system().hasInstructionSetV4() || !usesV4) {
            agree(method, v4);
        } else {
            VerifierException e = assertThrows(VerifierException.class, () -> new Kernels(p).close());
            assertTrue(e.getMessage().contains("needs Linux 6.6"), e.getMessage());
        }
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
