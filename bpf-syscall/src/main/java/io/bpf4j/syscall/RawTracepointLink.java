package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * A {@code RAW_TRACEPOINT} program attached with {@code BPF_RAW_TRACEPOINT_OPEN}, whose fd is a
 * BPF link (closing it detaches).
 *
 * <pre>{@code
 * try (BpfLink l = prog.attach(AttachPoint.rawTracepoint("sched_switch"))) { ... }
 * }</pre>
 */
public final class RawTracepointLink extends AbstractLink {
    private RawTracepointLink(Kernel kernel, int fd, AttachPoint.RawTracepoint target, String description) {
        super(kernel, fd, target, "raw tracepoint " + target.name(), null, description);
    }

    static RawTracepointLink attach(BpfProgram prog, AttachPoint.RawTracepoint target) {
        Tracefs.checkEventName("raw tracepoint name", target.name());
        int fd = prog.kernel().rawTracepointOpen(target.name(), prog.fd());
        return new RawTracepointLink(prog.kernel(), fd, target, "raw tracepoint " + target.name() + " <- " + prog);
    }

    @Override
    int perfEventCount() {
        return 0;
    }

    @Override
    public int fd() {
        return resource.fd();
    }

    @Override
    public boolean isBpfLink() {
        return true;
    }
}
