package io.bpf4j.compiler;

/**
 * The program type a method compiles to, chosen by its context parameter: {@link XdpContext} makes
 * an XDP program, {@link PtRegs} a kprobe (also attached to uprobes), {@link TracepointContext} a
 * tracepoint, {@link SyscallContext} a syscall program.
 *
 * <pre>{@code
 * compiled.kind();          // ProgramKind.XDP
 * compiled.kind().name();   // pass to bpf-syscall's ProgramType.valueOf(...)
 * }</pre>
 */
public enum ProgramKind {
    /** {@code BPF_PROG_TYPE_XDP}. */
    XDP,
    /** {@code BPF_PROG_TYPE_KPROBE}. */
    KPROBE,
    /** {@code BPF_PROG_TYPE_TRACEPOINT}. */
    TRACEPOINT,
    /** {@code BPF_PROG_TYPE_SYSCALL}. */
    SYSCALL
}
