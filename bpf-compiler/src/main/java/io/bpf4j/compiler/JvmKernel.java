package io.bpf4j.compiler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Bpf}'s intrinsics return when a program's method runs on the JVM: a test double of
 * the kernel, one per thread, set by the test. In a compiled program the same calls are helpers.
 *
 * <pre>{@code
 * JvmKernel k = JvmKernel.current().reset();
 * k.pidTgid(42L << 32 | 43).uidGid(1000).comm("bash").clock(1_000);
 * k.taskField("real_parent->tgid", 7);
 * MyProbe.onExec(null);      // runs the BPF program's logic on the JVM
 * }</pre>
 */
public final class JvmKernel {
    private static final ThreadLocal<JvmKernel> CURRENT = ThreadLocal.withInitial(JvmKernel::new);

    private long clock;
    private long clockStep = 1;
    private long pidTgid;
    private long uidGid;
    private byte[] comm = new byte[16];
    private final Map<String, Long> taskFields = new HashMap<>();
    private final Map<String, byte[]> taskBytes = new HashMap<>();
    private long cgroupId;
    private final List<String> printed = new ArrayList<>();

    private JvmKernel() {
    }

    /** This thread's kernel double. */
    public static JvmKernel current() {
        return CURRENT.get();
    }

    /** Back to zeros: clock 0 stepping 1 ns per read, pid/uid 0, empty comm, no task fields. */
    public JvmKernel reset() {
        clock = 0;
        clockStep = 1;
        pidTgid = 0;
        uidGid = 0;
        comm = new byte[16];
        taskFields.clear();
        taskBytes.clear();
        cgroupId = 0;
        printed.clear();
        return this;
    }

    /** The next {@link Bpf#ktimeGetNs()} returns {@code ns}; each read then advances by the step. */
    public JvmKernel clock(long ns) {
        this.clock = ns;
        return this;
    }

    /** Nanoseconds each clock read advances (default 1). */
    public JvmKernel clockStep(long ns) {
        this.clockStep = ns;
        return this;
    }

    /** {@code bpf_get_current_pid_tgid()}: tgid in the upper 32 bits, thread id in the lower. */
    public JvmKernel pidTgid(long value) {
        this.pidTgid = value;
        return this;
    }

    /** {@code bpf_get_current_uid_gid()}: gid in the upper 32 bits, uid in the lower. */
    public JvmKernel uidGid(long value) {
        this.uidGid = value;
        return this;
    }

    /** The current task's name (at most 15 bytes of UTF-8). */
    public JvmKernel comm(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > 15) {
            throw new IllegalArgumentException("comm '" + name + "': " + b.length + " bytes: at most 15");
        }
        comm = new byte[16];
        System.arraycopy(b, 0, comm, 0, b.length);
        return this;
    }

    /** The value {@link Bpf#currentTask(String)} returns for {@code path}. */
    public JvmKernel taskField(String path, long value) {
        taskFields.put(path, value);
        return this;
    }

    /** The bytes {@link Bpf#currentTaskBytes(String)} returns for {@code path} (copied; as long as the kernel's field). */
    public JvmKernel taskBytes(String path, byte[] value) {
        taskBytes.put(path, value.clone());
        return this;
    }

    /** {@code bpf_get_current_cgroup_id()}. */
    public JvmKernel cgroupId(long id) {
        this.cgroupId = id;
        return this;
    }

    /** Lines {@link Bpf#printk} wrote, formatted. */
    public List<String> printed() {
        return List.copyOf(printed);
    }

    long readClock() {
        long now = clock;
        clock += clockStep;
        return now;
    }

    long pidTgid() {
        return pidTgid;
    }

    long uidGid() {
        return uidGid;
    }

    byte[] comm() {
        return comm.clone();
    }

    long taskField(String path) {
        Long v = taskFields.get(path);
        if (v == null) {
            throw new IllegalStateException("JvmKernel: no value for current task's '" + path
                    + "': set one with JvmKernel.current().taskField(\"" + path + "\", value)");
        }
        return v;
    }

    byte[] taskBytes(String path) {
        byte[] v = taskBytes.get(path);
        if (v == null) {
            throw new IllegalStateException("JvmKernel: no bytes for current task's '" + path
                    + "': set them with JvmKernel.current().taskBytes(\"" + path + "\", bytes)");
        }
        return v.clone();
    }

    long cgroupId() {
        return cgroupId;
    }

    void print(String line) {
        printed.add(line);
    }
}
