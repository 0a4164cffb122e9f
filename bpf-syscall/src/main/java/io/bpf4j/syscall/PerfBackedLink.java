package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A program attached to one or more perf events (tracepoint, kprobe, uprobe, sampling event):
 * through {@code BPF_LINK_CREATE} with {@code BPF_PERF_EVENT} where the kernel has it (5.15+),
 * otherwise {@code PERF_EVENT_IOC_SET_BPF} + {@code PERF_EVENT_IOC_ENABLE}. Closing closes each
 * link, then its perf event, then runs any extra clean-up (removing a tracefs probe).
 */
abstract class PerfBackedLink extends AbstractLink {
    /** {@code _IOW('$', 8, __u32)}. */
    static final long PERF_EVENT_IOC_SET_BPF = 0x40042408L;
    /** {@code _IO('$', 0)}. */
    static final long PERF_EVENT_IOC_ENABLE = 0x2400L;

    /** Per kernel: 1 = perf links work, -1 = they do not, absent = unknown yet (learnt on the first attach). */
    private static final Map<Kernel, Integer> LINKS_FOR_PERF = Collections.synchronizedMap(new WeakHashMap<>());

    private final Attached attached;

    /** The fds of an attachment that worked: one link fd (or -1) per perf event. */
    static final class Attached {
        final int[] perfFds;
        final int[] linkFds;

        private Attached(int[] perfFds, int[] linkFds) {
            this.perfFds = perfFds;
            this.linkFds = linkFds;
        }

        boolean bpfLink() {
            return linkFds[0] >= 0;
        }
    }

    /** Takes ownership of everything in {@code attached} (and of {@code cleanup}): closed when the link is. */
    PerfBackedLink(Kernel kernel, Attached attached, AttachPoint target, String attachedTo, String symbol,
                   String description, Runnable cleanup) {
        super(kernel, -1, target, attachedTo, symbol, description);
        this.attached = attached;
        if (cleanup != null) {
            resource.onClose(cleanup);
        }
        for (int i = 0; i < attached.perfFds.length; i++) {
            final int pfd = attached.perfFds[i];
            final int lfd = attached.linkFds[i];
            // Registered in order, run in reverse: every link before its perf event.
            resource.onClose(() -> kernel.close(pfd));
            if (lfd >= 0) {
                resource.onClose(() -> kernel.close(lfd));
            }
        }
    }

    /**
     * Attaches {@code progFd} to each perf event. Owns the perf fds and {@code cleanup}: on
     * failure they are closed (and run) before the exception leaves.
     *
     * @param cookie {@code bpf_get_attach_cookie()}'s value, 0 for none (needs BPF perf links)
     */
    static Attached attach(Kernel kernel, int progFd, int[] perfFds, long cookie, String description, Runnable cleanup) {
        int[] linkFds = new int[perfFds.length];
        Arrays.fill(linkFds, -1);
        boolean useLinks = LINKS_FOR_PERF.getOrDefault(kernel, 0) >= 0;
        try {
            if (!useLinks && cookie != 0) {
                throw noCookies(description);
            }
            for (int i = 0; i < perfFds.length; i++) {
                BpfException linkError = null;
                if (useLinks) {
                    try {
                        linkFds[i] = kernel.linkCreate(progFd, perfFds[i], AttachType.PERF_EVENT.code(), 0, cookie);
                        LINKS_FOR_PERF.put(kernel, 1);
                        continue;
                    } catch (BpfException e) {
                        if (LINKS_FOR_PERF.getOrDefault(kernel, 0) == 1 || !e.errno().isUnsupported() && e.errno() != Errno.EINVAL) {
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
                    LINKS_FOR_PERF.put(kernel, -1);
                    useLinks = false;
                    if (cookie != 0) {
                        throw noCookies(description);
                    }
                }
            }
            return new Attached(perfFds, linkFds);
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
    }

    private static BpfException noCookies(String description) {
        return new BpfException("BPF_LINK_CREATE (" + description + ")", Errno.EOPNOTSUPP,
                "a BPF cookie needs BPF perf-event links (Linux 5.15+), which this kernel lacks: attach without a cookie");
    }

    private static String attachHint(Errno e) {
        switch (e) {
            case EINVAL:
                return "the program type does not match the event (tracepoint events need TRACEPOINT programs, probes "
                        + "KPROBE programs, sampling events PERF_EVENT programs)";
            case EEXIST:
                return "a program is already attached to this perf event";
            default:
                return null;
        }
    }

    static void closeQuietly(Kernel kernel, int fd) {
        if (fd >= 0) {
            try {
                kernel.close(fd);
            } catch (RuntimeException ignored) {
                // Already failing: the original error is the one to report.
            }
        }
    }

    @Override
    int perfEventCount() {
        return attached.perfFds.length;
    }

    @Override
    public int fd() {
        if (resource.isClosed()) {
            throw new IllegalStateException(resource.description() + " is closed");
        }
        return attached.bpfLink() ? attached.linkFds[0] : attached.perfFds[0];
    }

    @Override
    public boolean isBpfLink() {
        return attached.bpfLink();
    }
}
