package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refused construct is named with its file and line. */
class CompileErrorTest {
    static final LongHashMap M = LongHashMap.of("m", 8, 16);
    static long counter;

    // tag::refused[]
    static int floatingPoint(SyscallContext ctx) {
        double d = ctx.u32(0) * 1.5;                                    // line 17
        return (int) d;
    }

    static int throwsException(SyscallContext ctx) {
        if (ctx.u32(0) == 0) {
            throw new IllegalStateException("zero");                    // line 23
        }
        return 0;
    }

    static int virtualCall(SyscallContext ctx) {
        return "abc".length();                                          // line 29
    }

    static int unboundedLoop(SyscallContext ctx) {
        int n = 0;
        while (ctx.u32(0) != n) {                                       // line 34
            n += ctx.u32(4);
        }
        return n;
    }

    static int escapingAllocation(SyscallContext ctx) {
        Object o = new Object();                                        // line 41
        return o.hashCode();
    }

    static int synchronizedBlock(SyscallContext ctx) {
        synchronized (CompileErrorTest.class) {                        // line 46
            return 0;
        }
    }

    static int tooMuchStack(SyscallContext ctx) {
        byte[] a = new byte[300];
        byte[] b = new byte[300];                                       // line 53
        return a[0] + b[0];
    }

    static int signedDivision(SyscallContext ctx) {
        return ctx.u32(0) / ctx.u32(4);                                 // line 58
    }

    static int writesStatic(SyscallContext ctx) {
        counter = ctx.u64(0);                                           // line 62
        return 0;
    }
    // end::refused[]

    @ParameterizedTest
    @CsvSource({
        "floatingPoint, 17, floating point",
        "throwsException, 23, throw",
        "virtualCall, 29, virtual call String.length()",
        "unboundedLoop, 34, loop without a visible bound",
        "escapingAllocation, 41, only records",
        "synchronizedBlock, 46, synchronized",
        "tooMuchStack, 53, the BPF stack would need 608 bytes",
        "signedDivision, 58, signed division",
        "writesStatic, 62, assignment to static field counter",
    })
    void refusesWithFileAndLine(String method, int line, String words) {
        CompileException e = assertThrows(CompileException.class, () -> BpfCompiler.create().compile(CompileErrorTest.class, method));
        assertEquals("CompileErrorTest.java", e.file(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertTrue(e.getMessage().startsWith("CompileErrorTest.java:" + line + ": "), e.getMessage());
    }
}
