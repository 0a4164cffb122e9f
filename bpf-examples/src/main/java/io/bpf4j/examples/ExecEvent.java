package io.bpf4j.examples;

import java.util.List;

/**
 * One exec seen by {@code execsnoop}, decoded from the ring buffer.
 *
 * <pre>{@code
 * ExecEvent e = new ExecEvent(12_345_678_900L, 4242, 4200, 0, "ls", "/usr/bin/ls", List.of(), -1, 0);
 * e.hasLatency();   // false: only --latency measures exec durations
 * }</pre>
 *
 * @param time when it happened, nanoseconds of {@code CLOCK_MONOTONIC} ({@code bpf_ktime_get_ns})
 * @param pid the process (thread group) id
 * @param ppid the parent's process id ({@code current->real_parent->tgid})
 * @param uid the real user id
 * @param comm the command name (the new program's, except for a failed exec)
 * @param filename the path handed to exec
 * @param args the arguments when {@code --args} asked for them, else empty
 * @param latencyNs how long the exec took with {@code --latency}, else -1
 * @param ret what exec returned with {@code --latency} (0, or minus an errno), else 0
 * @param pcomm the parent's command name ({@code current->real_parent->comm}), Lab Challenge 3
 * @param mntns the mount namespace ({@code current->nsproxy->mnt_ns->ns.inum}), as {@code --mntns} shows it
 * @param argsCut true when the kernel cut the argument strings to its buffer
 *     ({@value ExecPrograms#ARGS_SIZE} bytes): the last ones are missing or partial
 */
public record ExecEvent(long time, int pid, int ppid, int uid, String comm, String filename,
                        List<String> args, long latencyNs, long ret, String pcomm, long mntns, boolean argsCut) {
    /** Keeps {@code args} immutable. */
    public ExecEvent {
        args = List.copyOf(args);
    }

    /** An event without parent command, mount namespace or cut arguments. */
    public ExecEvent(long time, int pid, int ppid, int uid, String comm, String filename,
                     List<String> args, long latencyNs, long ret) {
        this(time, pid, ppid, uid, comm, filename, args, latencyNs, ret, "", 0, false);
    }

    /** True when the event carries a duration and a return value. */
    public boolean hasLatency() {
        return latencyNs >= 0;
    }
}
