package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * An attachment of a program to an event (a tracepoint, a probe, a perf event). Closing it
 * detaches the program; a second close does nothing. Keep a reference for as long as the
 * attachment should last: a link that becomes unreachable is detached by a safety net that logs
 * the leak at WARN, never while it is still referenced. Each attach family has its own class
 * ({@link TracepointLink}, {@link RawTracepointLink}, {@link KprobeLink}, {@link UprobeLink},
 * {@link PerfEventLink}, {@link XdpLink}, {@link TcLink}, {@link CgroupLink}, {@link TracingLink},
 * {@link LsmLink}) with its options record where it has options.
 *
 * <pre>{@code
 * try (BpfLink link = prog.attach(AttachPoint.tracepoint("syscalls", "sys_enter_getppid"))) {
 *     link.info().attachedTo();   // "tracepoint syscalls/sys_enter_getppid (id 123)"
 *     ... // the program runs on every getppid()
 * }
 * }</pre>
 */
public interface BpfLink extends AutoCloseable {
    /** What is attached to what: {@code tracepoint syscalls/sys_enter_getppid <- program 'count' (TRACEPOINT) fd 5}. */
    String description();

    /** Where the program was asked to go. */
    AttachPoint target();

    /** Where it went (the symbol or file offset it resolved to) and the kernel's link id where there is one. */
    LinkInfo info();

    /**
     * The BPF link fd, or the perf event fd where the kernel has no link for this attachment, or -1 where the
     * attachment has no fd of its own (a clsact TC filter, XDP set through netlink); throws once closed.
     */
    int fd();

    /** True if the kernel manages this attachment as a BPF link ({@code BPF_LINK_CREATE}). */
    boolean isBpfLink();

    /** True once closed. */
    boolean isClosed();

    /** Detaches; a second call does nothing. */
    @Override
    void close();
}
