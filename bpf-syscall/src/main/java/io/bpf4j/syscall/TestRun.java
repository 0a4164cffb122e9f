package io.bpf4j.syscall;

/**
 * Input of {@link BpfProgram#testRun}: packet data and/or a context, how much output room to
 * give, and how often to run.
 *
 * <pre>{@code
 * TestRunResult r = prog.testRun(TestRun.ctx(ctxBytes));             // syscall programs
 * TestRunResult x = prog.testRun(TestRun.data(packet).dataOut(1500)); // XDP, socket filters
 * }</pre>
 *
 * @param dataIn packet data, or null
 * @param dataOutSize room for packet data out (0: none)
 * @param ctxIn context in, or null
 * @param ctxOutSize room for the context out (0: none; syscall programs write the context back in place)
 * @param repeat run this many times (0 or 1: once); the duration is the mean
 */
public record TestRun(byte[] dataIn, int dataOutSize, byte[] ctxIn, int ctxOutSize, int repeat) {
    public TestRun {
        if (dataOutSize < 0 || ctxOutSize < 0 || repeat < 0) {
            throw new IllegalArgumentException("test run: sizes and repeat must not be negative");
        }
    }

    /** Runs once with this context. */
    public static TestRun ctx(byte[] ctx) {
        return new TestRun(null, 0, ctx, 0, 0);
    }

    /** Runs once with this packet data. */
    public static TestRun data(byte[] data) {
        return new TestRun(data, 0, null, 0, 0);
    }

    /** Runs once with nothing in. */
    public static TestRun empty() {
        return new TestRun(null, 0, null, 0, 0);
    }

    /** With room for {@code size} bytes of packet data out. */
    public TestRun dataOut(int size) {
        return new TestRun(dataIn, size, ctxIn, ctxOutSize, repeat);
    }

    /** With room for {@code size} bytes of context out. */
    public TestRun ctxOut(int size) {
        return new TestRun(dataIn, dataOutSize, ctxIn, size, repeat);
    }

    /** Repeats {@code times} times. */
    public TestRun repeat(int times) {
        return new TestRun(dataIn, dataOutSize, ctxIn, ctxOutSize, times);
    }
}
