package io.bpf4j.syscall;

import java.util.Objects;

/**
 * A failed kernel call: which call ({@code BPF_MAP_CREATE}, {@code perf_event_open}, …), the named
 * errno, and a hint saying what to do about it.
 *
 * <pre>{@code
 * try {
 *     BpfMap.create(MapSpec.hash("counts", 4, 8, 1024));
 * } catch (BpfException e) {
 *     e.errno();      // Errno.EPERM
 *     e.operation();  // "BPF_MAP_CREATE"
 *     e.getMessage(); // BPF_MAP_CREATE failed: EPERM (1) — needs root or CAP_BPF + CAP_PERFMON ...
 * }
 * }</pre>
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final Errno errno;
    private final String hint;

    /**
     * @param operation the syscall or bpf command that failed
     * @param errno the error it returned ({@link Errno#UNKNOWN} when the failure is ours)
     * @param hint what to do, or null to use the generic hint for {@code errno}
     */
    public BpfException(String operation, Errno errno, String hint) {
        this(operation, errno, hint, null);
    }

    /** As {@link #BpfException(String, Errno, String)}, with a cause. */
    public BpfException(String operation, Errno errno, String hint, Throwable cause) {
        super(format(operation, errno, hint == null ? genericHint(operation, errno) : hint), cause);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.errno = Objects.requireNonNull(errno, "errno");
        this.hint = hint == null ? genericHint(operation, errno) : hint;
    }

    /** For subclasses that build their own message. */
    protected BpfException(String message, String operation, Errno errno, String hint) {
        super(message);
        this.operation = operation;
        this.errno = errno;
        this.hint = hint;
    }

    /** The syscall or bpf command: {@code BPF_PROG_LOAD}, {@code perf_event_open}, {@code mmap}. */
    public String operation() {
        return operation;
    }

    /** The named error. */
    public Errno errno() {
        return errno;
    }

    /** What to do about it (never null; may be empty). */
    public String hint() {
        return hint;
    }

    private static String format(String operation, Errno errno, String hint) {
        StringBuilder sb = new StringBuilder(operation).append(" failed: ").append(errno.symbol());
        if (errno != Errno.UNKNOWN) {
            sb.append(' ').append(errno.description());
        }
        if (hint != null && !hint.isEmpty()) {
            sb.append(" — ").append(hint);
        }
        return sb.toString();
    }

    /**
     * The hint for an errno when the caller knows nothing more specific. EPERM and EACCES outside
     * the verifier mean missing privilege; RLIMIT_MEMLOCK is deliberately never suggested: kernels
     * since 5.11 account BPF memory to the cgroup instead.
     */
    public static String genericHint(String operation, Errno errno) {
        switch (errno) {
            case EPERM:
            case EACCES:
                return "needs root or CAP_BPF + CAP_PERFMON (CAP_SYS_ADMIN on older kernels)"
                        + (operation.startsWith("perf_event_open") ? "; check /proc/sys/kernel/perf_event_paranoid" : "");
            case ENOENT:
                return "not found";
            case E2BIG:
                return "an argument is too big for this kernel (attr larger than it knows with non-zero tail, or a size/entry limit)";
            case EINVAL:
                return "the kernel rejected an argument";
            case ENOSPC:
                return "no space left (map full, or log buffer too small)";
            case EBADF:
                return "file descriptor is not open (object already closed?)";
            case ENOMEM:
                return "kernel memory allocation failed (memory cgroup limit?)";
            case EEXIST:
                return "already exists";
            case ENOSYS:
                return "this kernel lacks the syscall";
            case EOPNOTSUPP:
            case ENOTSUPP:
                return "not supported by this kernel or for this object type";
            case EBUSY:
                return "resource busy (already attached?)";
            default:
                return "";
        }
    }
}
