package io.bpf4j.bench.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.stream.IntStream;

/**
 * Pins the calling thread to one CPU ({@code sched_setaffinity(0, …)}), as
 * {@code src/reference/ringbuf_ref.c} does on the C side: the busy-poll latency benchmark gives
 * the spinning consumer and the producer thread a CPU each, so that it measures the spinner and
 * not the scheduler sharing one CPU between them.
 *
 * <pre>{@code
 * int[] cpus = CpuPinning.allowedCpus();
 * try (CpuPinning.Pinned p = CpuPinning.pinCurrentThread(cpus[0])) {
 *     ... // this thread runs on cpus[0] only; closing restores what it might run on before
 * }
 * }</pre>
 */
public final class CpuPinning {
    /** cpu_set_t of glibc: 1024 CPUs, as 16 longs. */
    private static final int SET_LONGS = 16;

    private static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private LibC() {
        }

        static native int sched_getaffinity(int pid, long size, long[] mask);

        static native int sched_setaffinity(int pid, long size, long[] mask);
    }

    private CpuPinning() {
    }

    /** The CPUs the calling thread may run on, ascending (empty if the kernel does not say). */
    public static int[] allowedCpus() {
        long[] mask = new long[SET_LONGS];
        if (LibC.sched_getaffinity(0, SET_LONGS * 8L, mask) != 0) {
            return new int[0];
        }
        return IntStream.range(0, SET_LONGS * 64)
                .filter(c -> (mask[c / 64] & (1L << (c % 64))) != 0)
                .toArray();
    }

    /**
     * Pins the calling thread to {@code cpu} until the returned handle is closed (by the same
     * thread), which restores the CPUs the thread might run on before.
     *
     * @throws IllegalStateException with errno if the kernel refuses
     */
    public static Pinned pinCurrentThread(int cpu) {
        long[] before = new long[SET_LONGS];
        if (LibC.sched_getaffinity(0, SET_LONGS * 8L, before) != 0) {
            throw new IllegalStateException("sched_getaffinity failed: errno " + Native.getLastError());
        }
        long[] mask = new long[SET_LONGS];
        mask[cpu / 64] = 1L << (cpu % 64);
        set(mask, "cpu " + cpu);
        return () -> set(before, "the CPUs before");
    }

    private static void set(long[] mask, String what) {
        if (LibC.sched_setaffinity(0, SET_LONGS * 8L, mask) != 0) {
            throw new IllegalStateException("sched_setaffinity(" + what + ") failed: errno " + Native.getLastError());
        }
    }

    /** A pinning of the calling thread; {@link #close} undoes it. */
    public interface Pinned extends AutoCloseable {
        @Override
        void close();
    }
}
