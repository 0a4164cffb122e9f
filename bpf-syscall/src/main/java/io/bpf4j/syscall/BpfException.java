package io.bpf4j.syscall;

import java.util.Objects;

/**
 * A failed kernel call: which call ({@link KernelCall}: {@code BPF_MAP_CREATE},
 * {@code perf_event_open}, …), the object it was about (a map's name, a path, a probe), the named
 * errno, and a hint saying what to do about it.
 *
 * <pre>{@code
 * try {
 *     BpfMap.create(MapSpec.hash("counts", 4, 8, 1024));
 * } catch (BpfException e) {
 *     e.call();       // KernelCall.BPF_MAP_CREATE
 *     e.object();     // "'counts' (HASH)"
 *     e.errno();      // Errno.EPERM
 *     e.getMessage(); // BPF_MAP_CREATE 'counts' (HASH) failed: EPERM (1) — needs root or CAP_BPF + CAP_PERFMON ...
 * }
 * }</pre>
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final KernelCall call;
    private final String object;
    private final Errno errno;
    private final String hint;

    /**
     * @param call the call that failed
     * @param object what it was about ({@code "'events' (RINGBUF)"}, a path, {@code "kprobe vfs_read"}); may be empty
     * @param errno the error it returned ({@link Errno#UNKNOWN} when the failure is ours)
     * @param hint what to do, or null to use the generic hint for {@code errno}
     * @param cause the underlying failure, or null
     */
    public BpfException(KernelCall call, String object, Errno errno, String hint, Throwable cause) {
        this(format(operation(call, object), errno, hint == null ? genericHint(call.text(), errno) : hint), call,
                object, errno, hint == null ? genericHint(call.text(), errno) : hint, cause);
    }

    /**
     * A failure described by a free text that starts with the call ({@code "perf_event_open
     * (kprobe f)"}, {@code "BPF_OBJ_PIN /sys/fs/bpf/x"}); text that names no call is
     * {@link KernelCall#RESOLVE} with the whole text as the object.
     */
    public BpfException(String operation, Errno errno, String hint) {
        this(operation, errno, hint, null);
    }

    /** As {@link #BpfException(String, Errno, String)}, with a cause. */
    public BpfException(String operation, Errno errno, String hint, Throwable cause) {
        this(KernelCall.parse(Objects.requireNonNull(operation, "operation")), objectOf(operation), errno, hint, cause);
    }

    /** For subclasses that build their own message. */
    protected BpfException(String message, KernelCall call, String object, Errno errno, String hint) {
        this(message, call, object, errno, hint, null);
    }

    private BpfException(String message, KernelCall call, String object, Errno errno, String hint, Throwable cause) {
        super(message, cause);
        this.call = Objects.requireNonNull(call, "call");
        this.object = object == null ? "" : object;
        this.errno = Objects.requireNonNull(errno, "errno");
        this.hint = hint == null ? "" : hint;
    }

    private static String objectOf(String operation) {
        KernelCall c = KernelCall.parse(operation);
        if (c == KernelCall.RESOLVE) {
            return operation;
        }
        int end = 0;
        while (end < operation.length() && (Character.isLetterOrDigit(operation.charAt(end)) || operation.charAt(end) == '_')) {
            end++;
        }
        return operation.substring(end).trim();
    }

    private static String operation(KernelCall call, String object) {
        if (call == KernelCall.RESOLVE) {
            return object == null || object.isEmpty() ? call.text() : object;
        }
        return object == null || object.isEmpty() ? call.text() : call.text() + " " + object;
    }

    /** The call that failed; switch on it. */
    public KernelCall call() {
        return call;
    }

    /** What the call was about: a map or program name, a path, a probe ({@code ""} when nothing more is known). */
    public String object() {
        return object;
    }

    /** Call and object as the message starts: {@code "BPF_PROG_LOAD 'exec' (KPROBE)"}. */
    public String operation() {
        return operation(call, object);
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
