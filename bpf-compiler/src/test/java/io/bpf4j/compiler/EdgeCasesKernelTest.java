package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.TestRun;
import io.bpf4j.syscall.testing.KernelTest;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link EdgeCases}: what compiles agrees with the JVM on 2,000 random inputs; the rest is refused by name. */
@KernelTest
class EdgeCasesKernelTest {
    @ParameterizedTest
    @ValueSource(strings = {"nestedTernaries", "booleansAndChars", "longsThroughInlining", "nestedRecords",
            "shortAndIntArrays", "loopsWithBreakAndContinue", "stackValuesAcrossCalls", "overflowAndShifts",
            "fallThroughSwitch"})
    void compilesAndAgreesWithTheJvm(String name) throws Exception {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println(name + ": seed " + seed);
        Random rnd = new Random(seed);
        Method m = EdgeCases.class.getDeclaredMethod(name, SyscallContext.class);
        try (Kernels k = new Kernels(BpfCompiler.create().compile(EdgeCases.class, name))) {
            for (int i = 0; i < 2000; i++) {
                byte[] ctx = new byte[16];
                rnd.nextBytes(ctx);
                if (rnd.nextBoolean()) {
                    ctx[1] = ctx[2] = ctx[3] = 0;                // small values too
                }
                JvmKernel.current().reset();
                int expected = (int) m.invoke(null, SyscallContext.of(ctx));
                assertEquals(expected, k.program.testRun(TestRun.ctx(ctx)).retval(), name + " seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "recursion, recursive call fact",
        "constantIndexOutOfBounds, array index 2",
        "stringLength, call String.valueOf()",
        "boxing, call Integer.valueOf()",
    })
    void isRefusedByName(String name, String words) {
        CompileException e = assertThrows(CompileException.class, () -> BpfCompiler.create().compile(EdgeCases.class, name));
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertTrue(e.getMessage().startsWith("EdgeCases.java:"), e.getMessage());
    }
}
