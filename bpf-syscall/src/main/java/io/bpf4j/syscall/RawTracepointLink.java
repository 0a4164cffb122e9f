package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.KernelResource;

/**
 * A {@code RAW_TRACEPOINT} program attached with {@code BPF_RAW_TRACEPOINT_OPEN}, whose fd is a
 * BPF link (closing it detaches).
 */
final class RawTracepointLink implements BpfLink {
    private final KernelResource resource;

    private RawTracepointLink(Kernel kernel, int fd, String description) {
        this.resource = new KernelResource(this, kernel, description, fd);
    }

    static BpfLink attach(BpfProgram prog, String name) {
        Tracefs.checkEventName("raw tracepoint name", name);
        int fd = prog.kernel().rawTracepointOpen(name, prog.fd());
        return new RawTracepointLink(prog.kernel(), fd, "raw tracepoint " + name + " <- " + prog);
    }

    @Override
    public String description() {
        return resource.description();
    }

    @Override
    public int fd() {
        return resource.fd();
    }

    @Override
    public boolean isBpfLink() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return resource.isClosed();
    }

    @Override
    public void close() {
        resource.close();
    }

    @Override
    public String toString() {
        return description() + (isClosed() ? " [detached]" : "");
    }
}
