package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * A link that is one fd and no perf event: a BPF link from {@code BPF_LINK_CREATE} (XDP, tcx,
 * cgroup) or {@code BPF_RAW_TRACEPOINT_OPEN} (fentry, fexit, LSM), or, for a legacy cgroup
 * attachment, the cgroup's fd with a detach on close.
 */
abstract class FdLink extends AbstractLink {
    private final boolean bpfLink;

    FdLink(Kernel kernel, int fd, boolean bpfLink, AttachPoint target, String attachedTo, String symbol, String description) {
        super(kernel, fd, target, attachedTo, symbol, description);
        this.bpfLink = bpfLink;
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
        return bpfLink;
    }

    /** The interface index of {@code iface} in the calling thread's network namespace. */
    static int interfaceIndex(Kernel kernel, String iface, String what) {
        int index = kernel.interfaceIndex(iface);
        if (index <= 0) {
            throw new BpfException(what, Errno.ENODEV, "no network interface '" + iface + "' in this thread's network "
                    + "namespace (see `ip link`; an interface in another namespace needs the attach to run there)");
        }
        return index;
    }

    /** Puts {@code next} in place of the program of link {@code link} ({@code BPF_LINK_UPDATE}). */
    static void update(AbstractLink link, BpfProgram next) {
        int linkFd = link.resource.acquire();
        try {
            int progFd = next.fd();
            link.kernel.linkUpdate(linkFd, progFd, 0);
        } catch (BpfException e) {
            throw new BpfException("BPF_LINK_UPDATE (" + link.description() + " -> " + next + ")", e.errno(),
                    e.errno() == Errno.EINVAL ? "the new program must have the same type and expected attach type as the old"
                            : e.hint(), e);
        } finally {
            link.resource.release();
        }
    }
}
