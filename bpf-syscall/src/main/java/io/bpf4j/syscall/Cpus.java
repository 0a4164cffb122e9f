package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.PossibleCpus;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU numbers as the kernel sees them: possible CPUs size per-CPU map values, online CPUs get
 * per-CPU perf events, and a thread may be pinned to one of the CPUs it is allowed (a
 * {@code RingBufferReader.busyPoll} spinner pays only on a CPU of its own).
 *
 * <pre>{@code
 * int slots = Cpus.possibleCount();   // from /sys/devices/system/cpu/possible
 * int[] online = Cpus.online();       // from /sys/devices/system/cpu/online
 * int[] mine = Cpus.allowed();        // this thread's, from sched_getaffinity
 * try (Cpus.Pinned p = Cpus.pinThisThread(mine[mine.length - 1])) {
 *     reader.busyPoll(Duration.ofSeconds(1), handler);
 * }                                   // the thread may run on all of `mine` again
 * }</pre>
 */
public final class Cpus {
    /** CPUs a pinning can name: glibc's {@code cpu_set_t}. */
    private static final int MAX_CPUS = 1024;

    private Cpus() {
    }

    /** Highest possible CPU + 1: the number of slots in a per-CPU value. */
    public static int possibleCount() {
        return PossibleCpus.count();
    }

    /** The CPUs the calling thread may run on ({@code sched_getaffinity}), ascending. */
    public static int[] allowed() {
        return allowed(Kernel.system());
    }

    /** As {@link #allowed()}, through {@code kernel}. */
    public static int[] allowed(Kernel kernel) {
        return kernel.threadAffinity();
    }

    /**
     * Lets the calling thread run on {@code cpu} only, until the returned pinning is closed, which
     * gives it back the CPUs it had. Any CPU that is online and in the thread's cpuset will do,
     * also one outside {@link #allowed()} (a thread started by a pinned thread starts pinned too).
     *
     * @throws IllegalArgumentException if {@code cpu} is not online or not in this thread's cpuset
     *     (naming the online CPUs)
     * @throws IllegalStateException on a virtual thread (Java 21+), which has no kernel thread of its own
     */
    public static Pinned pinThisThread(int cpu) {
        return pinThisThread(Kernel.system(), cpu);
    }

    /** As {@link #pinThisThread(int)}, through {@code kernel}. */
    public static Pinned pinThisThread(Kernel kernel, int cpu) {
        if (cpu < 0 || cpu >= MAX_CPUS) {
            throw new IllegalArgumentException("CPU " + cpu + ": CPU numbers are 0 to " + (MAX_CPUS - 1));
        }
        if (isVirtual(Thread.currentThread())) {
            // sched_setaffinity would pin the carrier, which runs other virtual threads, and this
            // one may move to another carrier before it closes the pinning.
            throw new IllegalStateException("a virtual thread cannot be pinned to a CPU: it has no kernel thread of"
                    + " its own; pin a platform thread (new Thread(...) or Thread.ofPlatform())");
        }
        int[] before = kernel.threadAffinity();
        try {
            kernel.setThreadAffinity(new int[] {cpu});
        } catch (BpfException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            throw new IllegalArgumentException("CPU " + cpu + " is not online or not in this thread's cpuset; online: "
                    + Arrays.toString(online(kernel)), e);
        }
        return new Pinned(kernel, Thread.currentThread(), cpu, before);
    }

    /** {@code Thread.isVirtual()} where the JDK has it (21+); Java 17 has no virtual threads. */
    private static final Method IS_VIRTUAL = isVirtualMethod();

    private static Method isVirtualMethod() {
        try {
            return Thread.class.getMethod("isVirtual");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invoke(t);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Thread.isVirtual() failed", e);
        }
    }

    /**
     * A thread pinned to one CPU by {@link #pinThisThread}. Close it from the same thread: the
     * kernel call acts on the calling thread, so a close from another thread is refused rather
     * than applied to the wrong one. Closing twice is a no-op.
     *
     * <pre>{@code
     * try (Cpus.Pinned p = Cpus.pinThisThread(1)) {
     *     // this thread runs on CPU p.cpu() only
     * }
     * }</pre>
     */
    public static final class Pinned implements AutoCloseable {
        private final Kernel kernel;
        private final Thread owner;
        private final int cpu;
        private final int[] before;
        private boolean closed;

        private Pinned(Kernel kernel, Thread owner, int cpu, int[] before) {
            this.kernel = kernel;
            this.owner = owner;
            this.cpu = cpu;
            this.before = before;
        }

        /** The CPU the thread is pinned to. */
        public int cpu() {
            return cpu;
        }

        /**
         * Gives the thread back the CPUs it had before.
         *
         * @throws IllegalStateException if called from another thread than the pinned one
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("the pinning of thread \"" + owner.getName() + "\" to CPU " + cpu
                        + " must be closed by that thread (sched_setaffinity acts on the calling thread), not by \""
                        + Thread.currentThread().getName() + "\"");
            }
            if (!closed) {
                closed = true;
                kernel.setThreadAffinity(before);
            }
        }
    }

    /** The online CPUs, ascending. */
    public static int[] online() {
        return online(Kernel.system());
    }

    /** The online CPUs as {@code kernel} lists them, ascending (every available processor if unreadable). */
    public static int[] online(Kernel kernel) {
        try {
            return PossibleCpus.list(kernel.readFile(Path.of("/sys/devices/system/cpu/online")).trim());
        } catch (IOException | RuntimeException e) {
            int n = Runtime.getRuntime().availableProcessors();
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
    }
}
