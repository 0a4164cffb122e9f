package io.bpf4j.syscall.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Perf maps as HotSpot writes them: lines from {@code jcmd PID Compiler.perfmap} of OpenJDK
 * 17.0.15 (Debian) on this project's machine, for a class {@code Spin} with a hot method.
 */
class PerfMapTest {
    private static final String MAP = String.join("\n",
            "0x00007fd1d4ec71c0 0x0000000000000270 java.lang.Object jdk.internal.misc.Unsafe.getReferenceVolatile(java.lang.Object, long)",
            "0x00007fd1d4ec7600 0x00000000000002b8 void Spin.hot(int)",
            "0x00007fd1d4ec84a0 0x00000000000001d8 long java.lang.System.nanoTime()",
            "0x00007fd1d4940b80 0x0000000000017de0 Interpreter",
            "0x00007fd1cd400ec0 0x00000000000001f0 I2C/C2I adapters",
            "0x00007fd1cd401340 0x00000000000001b0 StubRoutines (1)",
            "0x00007fd1cd402000 0x0000000000000100 new_instance Runtime1 stub",
            "0x00007fd1cd403000 0x0000000000000100 int[] java.util.Arrays.copyOf(int[], int)",
            "7fd1cd404000 100 void pkg.Outer$Inner.<init>()",
            "");

    @Test
    void compiledMethodsAreNamedClassDotMethod() {
        PerfMap m = PerfMap.parse(MAP);
        assertEquals(new Frame("Spin.hot", FrameKind.JAVA), m.resolve(0x00007fd1d4ec7600L + 0x10));
        assertEquals(new Frame("jdk.internal.misc.Unsafe.getReferenceVolatile", FrameKind.JAVA), m.resolve(0x00007fd1d4ec71c0L));
        assertEquals(new Frame("java.util.Arrays.copyOf", FrameKind.JAVA), m.resolve(0x00007fd1cd403050L));
        assertEquals(new Frame("pkg.Outer$Inner.<init>", FrameKind.JAVA), m.resolve(0x7fd1cd4040ffL), "hex without 0x");
    }

    @Test
    void theInterpreterAndStubsAreNamedAsSuch() {
        PerfMap m = PerfMap.parse(MAP);
        assertEquals(new Frame("Interpreter", FrameKind.INTERPRETER), m.resolve(0x00007fd1d4940b80L + 0x1000));
        assertEquals(new Frame("I2C/C2I adapters", FrameKind.JVM_STUB), m.resolve(0x00007fd1cd400ec0L));
        assertEquals(new Frame("StubRoutines (1)", FrameKind.JVM_STUB), m.resolve(0x00007fd1cd401340L));
        assertEquals(new Frame("new_instance Runtime1 stub", FrameKind.JVM_STUB), m.resolve(0x00007fd1cd402000L));
    }

    @Test
    void addressesBetweenOrPastBlobsAreNotNamed() {
        PerfMap m = PerfMap.parse(MAP);
        assertNull(m.resolve(0x00007fd1d4ec7600L + 0x2b8), "one past the end of Spin.hot");
        assertNull(m.resolve(0x1000L));
        assertEquals(9, m.size());
    }

    @Test
    void aLaterLineForTheSameCodeWins() {
        PerfMap m = PerfMap.parse("0x1000 0x100 void A.old()\n0x1000 0x100 void B.reused()\n");
        assertEquals("B.reused", m.resolve(0x1010L).name());
    }

    @Test
    void foldedNamesCarryTheKindAndNoSeparator() {
        assertEquals("Spin.hot_[j]", new Frame("Spin.hot", FrameKind.JAVA).folded());
        assertEquals("a:b_[k]", new Frame("a;b", FrameKind.KERNEL).folded());
        assertEquals(FrameKind.JAVA, FrameKind.fromFolded("Spin.hot_[j]"));
        assertEquals(FrameKind.KERNEL, FrameKind.fromFolded("do_syscall_64_[k]"));
        assertEquals(FrameKind.NATIVE, FrameKind.fromFolded("main"));
        assertEquals(FrameKind.UNKNOWN, FrameKind.fromFolded("[libc.so.6+0x1f2a]"));
    }
}
