package io.bpf4j.kprobe;

/**
 * What a probe program is attached to, and so which kernel program type it is loaded as. Kprobes,
 * kretprobes, uprobes and uretprobes all run as {@code BPF_PROG_TYPE_KPROBE} with a
 * {@code struct pt_regs *} context; tracepoints get the tracepoint's record, raw tracepoints the
 * tracepoint's raw arguments. The numbers are {@code enum bpf_prog_type} in
 * {@code include/uapi/linux/bpf.h}.
 *
 * <pre>{@code
 * ProbeKind.URETPROBE.programType();      // 2 (BPF_PROG_TYPE_KPROBE)
 * ProbeKind.URETPROBE.isReturn();         // true
 * ProbeKind.TRACEPOINT.programTypeName(); // "BPF_PROG_TYPE_TRACEPOINT"
 * }</pre>
 */
public enum ProbeKind {
    /** Entry of a kernel function. */
    KPROBE(2, "BPF_PROG_TYPE_KPROBE", false, true),
    /** Return from a kernel function. */
    KRETPROBE(2, "BPF_PROG_TYPE_KPROBE", true, true),
    /** Entry of a function in a user-space binary or library. */
    UPROBE(2, "BPF_PROG_TYPE_KPROBE", false, true),
    /** Return from a function in a user-space binary or library. */
    URETPROBE(2, "BPF_PROG_TYPE_KPROBE", true, true),
    /** A static kernel tracepoint; the context is the tracepoint's record. */
    TRACEPOINT(5, "BPF_PROG_TYPE_TRACEPOINT", false, false),
    /** A raw tracepoint; the context is an array of the tracepoint's u64 arguments. */
    RAW_TRACEPOINT(17, "BPF_PROG_TYPE_RAW_TRACEPOINT", false, false);

    private final int programType;
    private final String programTypeName;
    private final boolean isReturn;
    private final boolean ptRegs;

    ProbeKind(int programType, String programTypeName, boolean isReturn, boolean ptRegs) {
        this.programType = programType;
        this.programTypeName = programTypeName;
        this.isReturn = isReturn;
        this.ptRegs = ptRegs;
    }

    /** The {@code enum bpf_prog_type} value the program is loaded with. */
    public int programType() {
        return programType;
    }

    /** The name of that value, as {@code bpf.h} spells it. */
    public String programTypeName() {
        return programTypeName;
    }

    /** True for the probes that fire when the function returns. */
    public boolean isReturn() {
        return isReturn;
    }

    /** True when the context (r1 on entry) is a {@code struct pt_regs *}. */
    public boolean hasPtRegs() {
        return ptRegs;
    }
}
