package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code SCHED_CLS} program on an interface's traffic control ingress or egress, as a tcx link
 * ({@code BPF_LINK_CREATE} with {@code BPF_TCX_INGRESS}/{@code BPF_TCX_EGRESS} and the interface
 * index, Linux 6.6+). The program runs in direct-action mode: its return value is the verdict
 * ({@code TC_ACT_OK} 0 passes, {@code TC_ACT_SHOT} 2 drops). Several tcx programs can share a
 * hook; each link runs after those attached before it. Closing the link detaches it.
 *
 * <p>Where the kernel has no tcx (before 6.6), or when a priority or handle is asked for, the
 * program goes in as a {@code bpf} filter in direct-action mode on a {@code clsact} qdisc,
 * through rtnetlink: the link adds the qdisc if the interface has none, adds the filter
 * (priority 1, handle 1 unless told otherwise), and on close deletes the filter (if it still
 * runs this link's program) and, if it added the qdisc and no filter is left on it, the qdisc. Such a link has no fd
 * ({@link #fd()} is -1, {@link #isBpfLink()} false).
 *
 * <pre>{@code
 * AttachPoint at = AttachPoint.tcIngress("veth0");
 * try (BpfProgram p = BpfProgram.load(ProgramSpec.of("drop", program, at).license("GPL"));
 *      BpfLink l = p.attach(at)) { ... }
 * }</pre>
 */
public final class TcLink extends FdLink {
    private static final Logger LOG = LoggerFactory.getLogger(TcLink.class);
    /** {@code BPF_F_BEFORE}, {@code BPF_F_AFTER}: with a relative program or link, where to go. */
    static final int F_BEFORE = 1 << 3, F_AFTER = 1 << 4;

    /**
     * Options of a TC attachment.
     *
     * @param first tcx: true to run before every program already on the hook ({@code BPF_F_BEFORE} with
     *              no relative), false to run after them
     * @param expectedRevision tcx: fail with ESTALE unless the hook's revision is this (0: any)
     * @param priority clsact: the filter's priority (1..65535; lower runs first); nonzero asks for the clsact path
     * @param handle clsact: the filter's handle (nonzero asks for the clsact path)
     */
    public record Options(boolean first, long expectedRevision, int priority, int handle) implements LinkOptions {
        /** A tcx link after the programs already there; clsact with priority 1, handle 1 where tcx is missing. */
        public static final Options NONE = new Options(false, 0, 0, 0);
        /** A tcx link before the programs already there. */
        public static final Options FIRST = new Options(true, 0, 0, 0);

        public Options {
            if (expectedRevision < 0) {
                throw new IllegalArgumentException("expected revision " + expectedRevision + ": expected >= 0");
            }
            if (priority < 0 || priority > 0xffff) {
                throw new IllegalArgumentException("TC filter priority " + priority + ": expected 1..65535");
            }
        }

        /** A clsact bpf filter at {@code priority} with {@code handle}, even where tcx exists. */
        public static Options clsact(int priority, int handle) {
            if (priority == 0 || handle == 0) {
                throw new IllegalArgumentException("clsact priority " + priority + " and handle " + handle
                        + ": expected both nonzero");
            }
            return new Options(false, 0, priority, handle);
        }

        boolean wantsClsact() {
            return priority != 0 || handle != 0;
        }
    }

    private TcLink(Kernel kernel, int fd, boolean bpfLink, AttachPoint.Tc target, String attachedTo, String description) {
        super(kernel, fd, bpfLink, target, attachedTo, null, description);
    }

    static TcLink attach(BpfProgram prog, AttachPoint.Tc point, Options options) {
        Kernel kernel = prog.kernel();
        String what = "BPF_LINK_CREATE (" + point + " <- " + prog + ")";
        int ifindex = interfaceIndex(kernel, point.iface(), what);
        if (options.wantsClsact()) {
            return clsact(prog, point, ifindex, options.priority(), options.handle());
        }
        AttachType type = point.egress() ? AttachType.TCX_EGRESS : AttachType.TCX_INGRESS;
        String attachedTo = "tcx " + (point.egress() ? "egress " : "ingress ") + point.iface() + " (ifindex " + ifindex + ")";
        int fd;
        try {
            fd = kernel.linkCreate(new Kernel.LinkCreateRequest(prog.fd(), ifindex, type.code(),
                    options.first() ? F_BEFORE : 0, 0, options.expectedRevision()));
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL && !options.first() && options.expectedRevision() == 0) {
                // No tcx here (before 6.6): the clsact qdisc does the same job.
                LOG.debug("tcx refused on {} ({}): using a clsact bpf filter", point, e.errno());
                try {
                    return clsact(prog, point, ifindex, 1, 1);
                } catch (BpfException c) {
                    c.addSuppressed(e);
                    throw c;
                }
            }
            throw new BpfException(what, e.errno(), e.errno() == Errno.EEXIST ? Holders.tcxSameProgram(kernel, ifindex,
                    type.code(), Holders.programId(kernel, prog.fd())) : hint(point, e.errno()), e);
        }
        return new TcLink(kernel, fd, true, point, attachedTo, attachedTo + " <- " + prog);
    }

    private static TcLink clsact(BpfProgram prog, AttachPoint.Tc point, int ifindex, int priority, int handle) {
        Kernel kernel = prog.kernel();
        int prio = priority == 0 ? 1 : priority;
        int h = handle == 0 ? 1 : handle;
        String side = point.egress() ? "egress" : "ingress";
        String attachedTo = "clsact " + side + " " + point.iface() + " (ifindex " + ifindex + ") bpf filter priority " + prio
                + " handle 0x" + Integer.toHexString(h) + " direct-action";
        String what = "rtnetlink (" + attachedTo + " <- " + prog + ")";
        Rtnetlink nl = Rtnetlink.open(kernel);
        boolean createdQdisc = false;
        try {
            createdQdisc = nl.addClsact(ifindex, what);
            nl.addBpfFilter(ifindex, point.egress(), prio, h, prog.fd(), prog.name(), what);
        } catch (BpfException e) {
            String hint = e.errno() == Errno.EEXIST ? filterTaken(kernel, nl, point, ifindex, prio, h, what)
                    : e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.ENOENT ? "the kernel lacks the clsact qdisc or "
                    + "the bpf classifier (CONFIG_NET_SCH_INGRESS, CONFIG_NET_CLS_BPF)" : e.hint();
            try {
                if (createdQdisc) {
                    nl.deleteClsact(ifindex, what);
                }
            } catch (BpfException ignored) {
                // Already failing: the first error is the one to report.
            } finally {
                nl.close();
            }
            throw new BpfException(what, e.errno(), hint, e);
        }
        TcLink link = new TcLink(kernel, -1, false, point, attachedTo, attachedTo + " <- " + prog);
        final boolean ours = createdQdisc;
        link.resource.onClose(nl::close);
        int ownId = Holders.programId(kernel, prog.fd());
        link.resource.onClose(() -> {
            // Delete the filter only if it is still ours: someone may have deleted it (`tc filter del`) and put
            // another in its place.
            Rtnetlink.TcFilter now = nl.bpfFilter(ifindex, point.egress(), prio, h, what);
            if (now != null && (now.programId() == ownId || ownId == 0)) {
                nl.deleteFilter(ifindex, point.egress(), prio, h, what);
            } else {
                LOG.debug("{}: the filter is gone or no longer this link's; left as it is", attachedTo);
            }
            // Remove the qdisc only if this link added it and nobody else's filter is on it now.
            if (ours && nl.filterCount(ifindex, false, what) == 0 && nl.filterCount(ifindex, true, what) == 0) {
                nl.deleteClsact(ifindex, what);
            }
        });
        return link;
    }

    /** The hint for a taken priority and handle: which program's filter holds them, and what to do. */
    private static String filterTaken(Kernel kernel, Rtnetlink nl, AttachPoint.Tc point, int ifindex, int prio, int handle,
                                      String what) {
        String side = point.egress() ? "egress" : "ingress";
        String where = "priority " + prio + " and handle 0x" + Integer.toHexString(handle);
        String holder;
        try {
            Rtnetlink.TcFilter f = nl.bpfFilter(ifindex, point.egress(), prio, handle, what);
            holder = f == null ? "" : ": the bpf filter of " + (f.programId() != 0 ? Holders.program(kernel, f.programId())
                    : "a program") + (f.name() == null || f.name().isEmpty() ? "" : " (filter name '" + f.name() + "')");
        } catch (BpfException notListed) {
            holder = "";
        }
        return "a filter with " + where + " is already on " + point.iface() + " " + side + holder + "; choose others with "
                + "TcLink.Options.clsact(priority, handle), or remove it with `tc filter del dev " + point.iface() + " "
                + side + " pref " + prio + " handle 0x" + Integer.toHexString(handle) + " bpf`";
    }

    private static String hint(AttachPoint.Tc point, Errno e) {
        switch (e) {
            case EINVAL:
                return "the kernel has no tcx links (Linux 6.6+, CONFIG_NET_XGRESS), or the program is not SCHED_CLS; "
                        + "ordering (first, expected revision) needs tcx: without them a clsact bpf filter is used instead";
            case ESTALE:
                return "the hook changed since the expected revision: read it again and retry";
            default:
                return null;
        }
    }

    /** Replaces the program in place ({@code BPF_LINK_UPDATE}), keeping its position on the hook. */
    public void replace(BpfProgram next) {
        update(this, next);
    }
}
