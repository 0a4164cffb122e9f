package io.bpf4j.syscall;

/**
 * An attachment of a program to an event (a tracepoint, a probe, a perf event). Closing it
 * detaches the program; a second close does nothing. Keep a reference for as long as the
 * attachment should last: a link that becomes unreachable is detached by a safety net that logs
 * the leak at WARN, never while it is still referenced.
 *
 * <pre>{@code
 * try (BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid")) {
 *     ... // the program runs on every getppid()
 * }
 * }</pre>
 */
public interface BpfLink extends AutoCloseable {
    /** What is attached to what: {@code tracepoint syscalls/sys_enter_getppid ← prog 'count'}. */
    String description();

    /** The BPF link fd, or the perf event fd where the kernel has no link for this attachment. */
    int fd();

    /** True if the kernel manages this attachment as a BPF link ({@code BPF_LINK_CREATE}). */
    boolean isBpfLink();

    /** True once closed. */
    boolean isClosed();

    /** Detaches; a second call does nothing. */
    @Override
    void close();
}
