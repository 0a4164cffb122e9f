package io.bpf4j.compiler;

/**
 * BPF helpers as static methods: in a compiled program each call is the helper (or a short
 * sequence around it); on the JVM each returns what {@link JvmKernel#current()} was given, so the
 * same method runs under plain JUnit.
 *
 * <pre>{@code
 * static int onExec(TracepointContext ctx) {
 *     long ts = Bpf.ktimeGetNs();
 *     int pid = Bpf.currentPid();                             // the process (tgid)
 *     int ppid = (int) Bpf.currentTask("real_parent->tgid");  // offsets from the kernel's BTF
 *     byte[] comm = Bpf.currentComm();                        // char[16] on the BPF stack
 *     ...
 * }
 * }</pre>
 */
public final class Bpf {
    private Bpf() {
    }

    /** {@code bpf_ktime_get_ns()}: monotonic nanoseconds. */
    public static long ktimeGetNs() {
        return JvmKernel.current().readClock();
    }

    /** {@code bpf_get_current_pid_tgid()}: the process id (tgid) in the upper half, the thread id in the lower. */
    public static long currentPidTgid() {
        return JvmKernel.current().pidTgid();
    }

    /** The current process id as user space sees it (the tgid: upper half of {@link #currentPidTgid()}). */
    public static int currentPid() {
        return (int) (JvmKernel.current().pidTgid() >>> 32);
    }

    /** The current thread id (lower half of {@link #currentPidTgid()}). */
    public static int currentTid() {
        return (int) JvmKernel.current().pidTgid();
    }

    /** {@code bpf_get_current_uid_gid()}: gid in the upper half, uid in the lower. */
    public static long currentUidGid() {
        return JvmKernel.current().uidGid();
    }

    /** The current user id (lower half of {@link #currentUidGid()}). */
    public static int currentUid() {
        return (int) JvmKernel.current().uidGid();
    }

    /**
     * {@code bpf_get_current_comm()} into a new {@code char[16]}: on the BPF stack when compiled, or
     * straight into the record when handed to {@link Reservation#set(Reservation.BytesField, byte[])}.
     */
    public static byte[] currentComm() {
        return JvmKernel.current().comm();
    }

    /**
     * A field of the current task read by path from {@code struct task_struct}, e.g.
     * {@code "real_parent->tgid"}: the compiler resolves the offsets against the running kernel's BTF
     * (or the one it was given), so no relocation is needed. The path must be a string constant;
     * the value is zero-extended from the field's width.
     */
    public static long currentTask(String path) {
        return JvmKernel.current().taskField(path);
    }

    /**
     * A field of the current task of any size (e.g. {@code "real_parent->comm"}, a {@code char[16]})
     * as a new byte array, read by path like {@link #currentTask}. Handed to
     * {@link Reservation#set(Reservation.BytesField, byte[])} it is read straight into the reserved record.
     */
    public static byte[] currentTaskBytes(String path) {
        return JvmKernel.current().taskBytes(path);
    }

    /** {@code bpf_get_current_cgroup_id()}: the id (cgroupfs inode number) of the current task's cgroup v2. */
    public static long currentCgroupId() {
        return JvmKernel.current().cgroupId();
    }

    /** {@code bpf_trace_printk(format)}; the format must be a string constant. */
    public static void printk(String format) {
        JvmKernel.current().print(format);
    }

    /** {@code bpf_trace_printk(format, a)}; {@code %d}, {@code %u}, {@code %x}, {@code %lld} and friends. */
    public static void printk(String format, long a) {
        JvmKernel.current().print(format + " " + a);
    }

    /** {@code bpf_trace_printk(format, a, b)}. */
    public static void printk(String format, long a, long b) {
        JvmKernel.current().print(format + " " + a + " " + b);
    }

    /** {@code bpf_trace_printk(format, a, b, c)}. */
    public static void printk(String format, long a, long b, long c) {
        JvmKernel.current().print(format + " " + a + " " + b + " " + c);
    }

    /** The body of {@link #loop}: a static method {@code static boolean step(int index, long[] state)}. */
    @FunctionalInterface
    public interface LoopBody {
        /** One iteration; true stops the loop. */
        boolean step(int index, long[] state);
    }

    /** The most iterations {@code bpf_loop} runs ({@code BPF_MAX_LOOPS}, {@code 1 << 23}). */
    public static final int MAX_LOOPS = 1 << 23;

    /**
     * {@code bpf_loop(count, body, state, 0)}: calls {@code body} with 0, 1, … until it returns
     * true or {@code count} calls were made, and returns the number of calls. The verifier checks
     * the body once, whatever the count, where a loop written in the method is walked iteration by
     * iteration: use it when the bound is large. The body must be a method reference to a static
     * method; {@code state} (an array on the BPF stack) is how it shares values with the caller.
     * A count above {@link #MAX_LOOPS} returns -7 ({@code -E2BIG}) and runs nothing, as in the kernel.
     *
     * <pre>{@code
     * long[] state = new long[2];
     * Bpf.loop(100_000, state, MyProbe::step);    // static boolean step(int i, long[] state)
     * }</pre>
     */
    public static int loop(int count, long[] state, LoopBody body) {
        if (Integer.compareUnsigned(count, MAX_LOOPS) > 0) {
            return -7;
        }
        for (int i = 0; i < count; i++) {
            if (body.step(i, state)) {
                return i + 1;
            }
        }
        return count;
    }

    /**
     * {@code floor(log2(value))} for an unsigned value, 0 for 0 and 1: compiled as six halving
     * steps without a loop (the shape of a log2 histogram's slot).
     */
    public static int log2(long value) {
        return value == 0 ? 0 : 63 - Long.numberOfLeadingZeros(value);
    }
}
