package io.bpf4j.core.attach;

/**
 * {@code enum bpf_prog_type} from {@code include/uapi/linux/bpf.h} (the 6.1 header, plus
 * {@code NETFILTER} 32 from Linux 6.4).
 *
 * <pre>{@code
 * ProgramType.KPROBE.code();    // 2
 * ProgramType.of(31);           // SYSCALL
 * }</pre>
 */
public enum ProgramType {
    UNSPEC(0),
    SOCKET_FILTER(1),
    KPROBE(2),
    SCHED_CLS(3),
    SCHED_ACT(4),
    TRACEPOINT(5),
    XDP(6),
    PERF_EVENT(7),
    CGROUP_SKB(8),
    CGROUP_SOCK(9),
    LWT_IN(10),
    LWT_OUT(11),
    LWT_XMIT(12),
    SOCK_OPS(13),
    SK_SKB(14),
    CGROUP_DEVICE(15),
    SK_MSG(16),
    RAW_TRACEPOINT(17),
    CGROUP_SOCK_ADDR(18),
    LWT_SEG6LOCAL(19),
    LIRC_MODE2(20),
    SK_REUSEPORT(21),
    FLOW_DISSECTOR(22),
    CGROUP_SYSCTL(23),
    RAW_TRACEPOINT_WRITABLE(24),
    CGROUP_SOCKOPT(25),
    TRACING(26),
    STRUCT_OPS(27),
    EXT(28),
    LSM(29),
    SK_LOOKUP(30),
    SYSCALL(31),
    NETFILTER(32);

    private static final ProgramType[] ALL = values();

    private final int code;

    ProgramType(int code) {
        this.code = code;
    }

    /** The kernel's number. */
    public int code() {
        return code;
    }

    /** The type with kernel number {@code code}. */
    public static ProgramType of(int code) {
        if (code < 0 || code >= ALL.length) {
            throw new IllegalArgumentException("program type " + code + " unknown to bpf4j: expected 0.." + (ALL.length - 1));
        }
        return ALL[code];
    }

    /** The kernel's name: {@code BPF_PROG_TYPE_KPROBE}. */
    public String kernelName() {
        return "BPF_PROG_TYPE_" + name();
    }
}
