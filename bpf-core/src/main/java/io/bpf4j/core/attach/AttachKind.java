package io.bpf4j.core.attach;

/**
 * The families of {@link AttachPoint}, with what each implies for loading: the program type
 * and, where the kernel checks it at load time, the expected attach type. A switch over
 * {@code point.kind()} is exhaustive where a chain of {@code instanceof} would not be.
 *
 * <pre>{@code
 * AttachKind.URETPROBE.programType();   // KPROBE: uprobes run as kprobe programs (pt_regs context)
 * AttachKind.URETPROBE.isReturn();      // true
 * AttachKind.TRACEPOINT.hasPtRegs();    // false: the context is the tracepoint's record
 * }</pre>
 */
public enum AttachKind {
    /** A static tracepoint, {@code category/name}; the context is its record. */
    TRACEPOINT(ProgramType.TRACEPOINT, null, false, false),
    /** A raw tracepoint; the context is an array of the tracepoint's u64 arguments. */
    RAW_TRACEPOINT(ProgramType.RAW_TRACEPOINT, null, false, false),
    /** Entry of (or an offset into) a kernel function. */
    KPROBE(ProgramType.KPROBE, null, false, true),
    /** Return from a kernel function. */
    KRETPROBE(ProgramType.KPROBE, null, true, true),
    /** Entry of (or an offset into) a function in a user-space ELF file. */
    UPROBE(ProgramType.KPROBE, null, false, true),
    /** Return from a function in a user-space ELF file. */
    URETPROBE(ProgramType.KPROBE, null, true, true),
    /** A sampling perf event (cpu-clock, hardware counters); the context is {@code bpf_perf_event_data}. */
    PERF_EVENT(ProgramType.PERF_EVENT, null, false, true),
    /** A network interface's XDP hook (before the stack sees the packet); the context is {@code xdp_md}. */
    XDP(ProgramType.XDP, null, false, false),
    /** Traffic control ingress of an interface (tcx link, or a clsact qdisc filter); the context is {@code __sk_buff}. */
    TC_INGRESS(ProgramType.SCHED_CLS, null, false, false),
    /** Traffic control egress of an interface. */
    TC_EGRESS(ProgramType.SCHED_CLS, null, false, false),
    /** Packets entering sockets of a cgroup v2's processes; the program returns 1 to pass, 0 to drop. */
    CGROUP_SKB_INGRESS(ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, false, false),
    /** Packets leaving sockets of a cgroup v2's processes. */
    CGROUP_SKB_EGRESS(ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, false, false),
    /** Creation of an inet socket by a cgroup v2's processes ({@code struct bpf_sock}); 0 refuses it. */
    CGROUP_SOCK_CREATE(ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, false, false),
    /** Entry of a kernel function through a BPF trampoline; the context is the arguments as u64s. */
    FENTRY(ProgramType.TRACING, AttachType.TRACE_FENTRY, false, false),
    /** Return of a kernel function through a BPF trampoline: arguments, then the return value. */
    FEXIT(ProgramType.TRACING, AttachType.TRACE_FEXIT, true, false),
    /** A Linux security module hook ({@code bprm_check_security}); a negative errno refuses the operation. */
    LSM(ProgramType.LSM, AttachType.LSM_MAC, false, false);

    private final ProgramType programType;
    private final AttachType expectedAttachType;
    private final boolean isReturn;
    private final boolean ptRegs;

    AttachKind(ProgramType programType, AttachType expectedAttachType, boolean isReturn, boolean ptRegs) {
        this.programType = programType;
        this.expectedAttachType = expectedAttachType;
        this.isReturn = isReturn;
        this.ptRegs = ptRegs;
    }

    /** The program type a program for this kind of point is loaded as. */
    public ProgramType programType() {
        return programType;
    }

    /** The {@code expected_attach_type} the kernel wants at load time, or null where it wants none. */
    public AttachType expectedAttachType() {
        return expectedAttachType;
    }

    /** True for the probes that fire when the function returns. */
    public boolean isReturn() {
        return isReturn;
    }

    /** True when the context (r1 on entry) starts with a {@code struct pt_regs}. */
    public boolean hasPtRegs() {
        return ptRegs;
    }
}
