package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.internal.Direct;
import io.bpf4j.syscall.internal.KernelResource;
import java.nio.ByteBuffer;

/** What every link shares: its kernel resource, its target, what it resolved to, close and toString. */
abstract class AbstractLink implements BpfLink {
    /** {@code struct bpf_link_info}: type, id, prog_id, then the type's union. */
    private static final int LINK_INFO_ID = 4;
    private static final int LINK_INFO_SIZE = 64;

    final Kernel kernel;
    final KernelResource resource;
    private final AttachPoint target;
    private final String attachedTo;
    private final String symbol;

    AbstractLink(Kernel kernel, int fd, AttachPoint target, String attachedTo, String symbol, String description) {
        this.kernel = kernel;
        this.target = target;
        this.attachedTo = attachedTo;
        this.symbol = symbol;
        this.resource = new KernelResource(this, kernel, description, fd);
    }

    /** The number of perf events the link holds. */
    abstract int perfEventCount();

    @Override
    public AttachPoint target() {
        return target;
    }

    @Override
    public LinkInfo info() {
        int id = -1;
        if (isBpfLink()) {
            ByteBuffer info = Direct.zeroed(Direct.CURSOR, LINK_INFO_SIZE);
            resource.acquire(); // keeps every fd of the link open (and its number ours) until release
            try {
                kernel.objGetInfoByFd(fd(), info);
            } finally {
                resource.release();
            }
            id = info.getInt(info.position() + LINK_INFO_ID);
        }
        return new LinkInfo(target, attachedTo, id, perfEventCount(), symbol);
    }

    @Override
    public String description() {
        return resource.description();
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
