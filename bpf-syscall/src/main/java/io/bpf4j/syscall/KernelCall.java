package io.bpf4j.syscall;

import java.util.Locale;

/**
 * The kernel call a {@link BpfException} reports: a {@code bpf(2)} command (with its number in
 * {@code enum bpf_cmd}), another system call, or {@link #RESOLVE} when bpf4j found the problem
 * itself before calling anything (a kernel symbol, an ELF file, a tracepoint that is not there).
 * Callers switch on it; the object the call was about is {@link BpfException#object()}.
 *
 * <pre>{@code
 * try { prog.attach(AttachPoint.kprobe("vfs_read")); }
 * catch (BpfException e) {
 *     if (e.call() == KernelCall.PERF_EVENT_OPEN && e.errno() == Errno.ENOENT) { ... }
 * }
 * KernelCall.ofBpfCommand(5);   // BPF_PROG_LOAD
 * }</pre>
 */
public enum KernelCall {
    BPF_MAP_CREATE(0),
    BPF_MAP_LOOKUP_ELEM(1),
    BPF_MAP_UPDATE_ELEM(2),
    BPF_MAP_DELETE_ELEM(3),
    BPF_MAP_GET_NEXT_KEY(4),
    BPF_PROG_LOAD(5),
    BPF_OBJ_PIN(6),
    BPF_OBJ_GET(7),
    BPF_PROG_ATTACH(8),
    BPF_PROG_DETACH(9),
    BPF_PROG_TEST_RUN(10),
    BPF_PROG_GET_NEXT_ID(11),
    BPF_MAP_GET_NEXT_ID(12),
    BPF_PROG_GET_FD_BY_ID(13),
    BPF_MAP_GET_FD_BY_ID(14),
    BPF_OBJ_GET_INFO_BY_FD(15),
    BPF_PROG_QUERY(16),
    BPF_RAW_TRACEPOINT_OPEN(17),
    BPF_BTF_LOAD(18),
    BPF_BTF_GET_FD_BY_ID(19),
    BPF_TASK_FD_QUERY(20),
    BPF_MAP_LOOKUP_AND_DELETE_ELEM(21),
    BPF_MAP_FREEZE(22),
    BPF_BTF_GET_NEXT_ID(23),
    BPF_MAP_LOOKUP_BATCH(24),
    BPF_MAP_LOOKUP_AND_DELETE_BATCH(25),
    BPF_MAP_UPDATE_BATCH(26),
    BPF_MAP_DELETE_BATCH(27),
    BPF_LINK_CREATE(28),
    BPF_LINK_UPDATE(29),
    BPF_LINK_GET_FD_BY_ID(30),
    BPF_LINK_GET_NEXT_ID(31),
    BPF_ENABLE_STATS(32),
    BPF_ITER_CREATE(33),
    BPF_LINK_DETACH(34),
    BPF_PROG_BIND_MAP(35),
    /** {@code perf_event_open(2)}. */
    PERF_EVENT_OPEN(-1),
    /** An {@code ioctl(2)} ({@code PERF_EVENT_IOC_SET_BPF}, ...). */
    IOCTL(-1),
    MMAP(-1),
    MUNMAP(-1),
    EPOLL_CREATE1(-1),
    EPOLL_CTL(-1),
    EPOLL_WAIT(-1),
    EVENTFD(-1),
    READ(-1),
    WRITE(-1),
    CLOSE(-1),
    MOUNT(-1),
    UNLINK(-1),
    SOCKET(-1),
    BIND(-1),
    SENDMSG(-1),
    RECVMSG(-1),
    /** No call reached the kernel: bpf4j resolved the object and found it wanting. */
    RESOLVE(-1);

    private final int bpfCommand;

    KernelCall(int bpfCommand) {
        this.bpfCommand = bpfCommand;
    }

    /** The {@code enum bpf_cmd} number, or -1 for calls that are not {@code bpf(2)} commands. */
    public int bpfCommand() {
        return bpfCommand;
    }

    /** How messages spell it: {@code BPF_PROG_LOAD}, {@code perf_event_open}, {@code resolve}. */
    public String text() {
        return bpfCommand >= 0 ? name() : name().toLowerCase(Locale.ROOT);
    }

    /** The bpf command with number {@code cmd}. */
    public static KernelCall ofBpfCommand(int cmd) {
        for (KernelCall c : values()) {
            if (c.bpfCommand == cmd && cmd >= 0) {
                return c;
            }
        }
        throw new IllegalArgumentException("bpf command " + cmd + " unknown to bpf4j");
    }

    /** The call a free-form operation text starts with ({@code "perf_event_open (kprobe f)"}), else {@link #RESOLVE}. */
    static KernelCall parse(String operation) {
        int end = 0;
        while (end < operation.length() && (Character.isLetterOrDigit(operation.charAt(end)) || operation.charAt(end) == '_')) {
            end++;
        }
        String first = operation.substring(0, end).toUpperCase(Locale.ROOT);
        for (KernelCall c : values()) {
            if (c != RESOLVE && c.name().equals(first)) {
                return c;
            }
        }
        return RESOLVE;
    }
}
