package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.KernelResource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A program attached to one or more perf events (tracepoint, kprobe, uprobe, software event):
 * through {@code BPF_LINK_CREATE} with {@code BPF_PERF_EVENT} where the kernel has it (5.15+),
 * otherwise {@code PERF_EVENT_IOC_SET_BPF} + {@code PERF_EVENT_IOC_ENABLE}. Closing closes the
 * link, then the perf events, then runs any extra clean-up (removing a tracefs probe).
 */
class PerfEventLink implements BpfLink {
    /** {@code _IOW('$', 8, __u32)}. */
    static final long PERF_EVENT_IOC_SET_BPF = 0x40042408L;
    /** {@code _IO('$', 0)}. */
    static final long PERF_EVENT_IOC_ENABLE = 0x2400L;

    /** 1 = links work, -1 = they do not, 0 = unknown yet (probed on first attach). */
    private static final AtomicInteger LINKS_FOR_PERF = new AtomicInteger();

    private final KernelResource resource;
    private final boolean bpfLink;
    private final int fd;

    /**
     * Attaches {@code progFd} to each perf event; takes ownership of the perf fds (closes them
     * on failure too).
     *
     * @param cleanup runs after all fds are closed (may be null)
     */
    PerfEventLink(Kernel kernel, int progFd, int[] perfFds, String description, Runnable cleanup) {
        int[] linkFds = new int[perfFds.length];
        java.util.Arrays.fill(linkFds, -1);
        boolean useLinks = LINKS_FOR_PERF.get() >= 0;
        try {
            for (int i = 0; i < perfFds.length; i++) {
                BpfException linkError = null;
                if (useLinks) {
                    try {
                        linkFds[i] = kernel.linkCreate(progFd, perfFds[i], AttachType.PERF_EVENT.code(), 0, 0);
                        LINKS_FOR_PERF.set(1);
                        continue;
                    } catch (BpfException e) {
                        if (LINKS_FOR_PERF.get() == 1 || (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOSYS
                                && e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.ENOTSUPP)) {
                            throw new BpfException("BPF_LINK_CREATE (" + description + ")", e.errno(), attachHint(e.errno()), e);
                        }
                        // Perhaps a kernel before 5.15 (no perf-event links): the ioctl decides.
                        linkError = e;
                    }
                }
                try {
                    kernel.ioctl(perfFds[i], PERF_EVENT_IOC_SET_BPF, progFd);
                    kernel.ioctl(perfFds[i], PERF_EVENT_IOC_ENABLE, 0);
                } catch (BpfException e) {
                    BpfException first = linkError != null ? linkError : e;
                    throw new BpfException((linkError != null ? "BPF_LINK_CREATE" : "PERF_EVENT_IOC_SET_BPF") + " ("
                            + description + ")", first.errno(), attachHint(first.errno()), first);
                }
                if (linkError != null) {
                    // The ioctl worked where the link did not: this kernel has no perf-event links.
                    LINKS_FOR_PERF.set(-1);
                    useLinks = false;
                }
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < perfFds.length; i++) {
                closeQuietly(kernel, linkFds[i]);
                closeQuietly(kernel, perfFds[i]);
            }
            if (cleanup != null) {
                cleanup.run();
            }
            throw e;
        }
        this.bpfLink = linkFds[0] >= 0;
        this.fd = bpfLink ? linkFds[0] : perfFds[0];
        this.resource = new KernelResource(this, kernel, description, -1);
        if (cleanup != null) {
            resource.onClose(cleanup);
        }
        for (int i = 0; i < perfFds.length; i++) {
            final int pfd = perfFds[i];
            final int lfd = linkFds[i];
            // Registered in order; run in reverse: every link before its perf event.
            resource.onClose(() -> kernel.close(pfd));
            if (lfd >= 0) {
                resource.onClose(() -> kernel.close(lfd));
            }
        }
    }

    private static String attachHint(Errno e) {
        switch (e) {
            case EINVAL:
                return "the program type does not match the event (tracepoint events need TRACEPOINT programs, probes "
                        + "KPROBE programs, software events PERF_EVENT programs)";
            case EEXIST:
                return "a program is already attached to this perf event";
            default:
                return null;
        }
    }

    private static void closeQuietly(Kernel kernel, int fd) {
        if (fd >= 0) {
            try {
                kernel.close(fd);
            } catch (RuntimeException ignored) {
                // Already failing: the original error is the one to report.
            }
        }
    }

    @Override
    public String description() {
        return resource.description();
    }

    @Override
    public int fd() {
        if (resource.isClosed()) {
            throw new IllegalStateException(resource.description() + " is closed");
        }
        return fd;
    }

    @Override
    public boolean isBpfLink() {
        return bpfLink;
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
