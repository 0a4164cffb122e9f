package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;

/**
 * A {@code SCHED_CLS} program on an interface's traffic control ingress or egress, as a tcx link
 * ({@code BPF_LINK_CREATE} with {@code BPF_TCX_INGRESS}/{@code BPF_TCX_EGRESS} and the interface
 * index, Linux 6.6+). The program runs in direct-action mode: its return value is the verdict
 * ({@code TC_ACT_OK} 0 passes, {@code TC_ACT_SHOT} 2 drops). Several tcx programs can share a
 * hook; each link runs after those attached before it. Closing the link detaches it.
 *
 * <pre>{@code
 * AttachPoint at = AttachPoint.tcIngress("veth0");
 * try (BpfProgram p = BpfProgram.load(ProgramSpec.of("drop", program, at).license("GPL"));
 *      BpfLink l = p.attach(at)) { ... }
 * }</pre>
 */
public final class TcLink extends FdLink {
    /** {@code BPF_F_BEFORE}, {@code BPF_F_AFTER}: with a relative program or link, where to go. */
    static final int F_BEFORE = 1 << 3, F_AFTER = 1 << 4;

    /**
     * Options of a tcx attachment.
     *
     * @param first true to run before every program already on the hook ({@code BPF_F_BEFORE} with no
     *              relative), false to run after them
     * @param expectedRevision fail with ESTALE unless the hook's revision is this (0: any), for
     *                         attaching only over a known state
     */
    public record Options(boolean first, long expectedRevision) implements LinkOptions {
        /** Run after the programs already there, whatever the revision. */
        public static final Options NONE = new Options(false, 0);
        /** Run before the programs already there. */
        public static final Options FIRST = new Options(true, 0);

        public Options {
            if (expectedRevision < 0) {
                throw new IllegalArgumentException("expected revision " + expectedRevision + ": expected >= 0");
            }
        }
    }

    private TcLink(Kernel kernel, int fd, AttachPoint.Tc target, String attachedTo, String description) {
        super(kernel, fd, true, target, attachedTo, null, description);
    }

    static TcLink attach(BpfProgram prog, AttachPoint.Tc point, Options options) {
        Kernel kernel = prog.kernel();
        String what = "BPF_LINK_CREATE (" + point + " <- " + prog + ")";
        int ifindex = interfaceIndex(kernel, point.iface(), what);
        AttachType type = point.egress() ? AttachType.TCX_EGRESS : AttachType.TCX_INGRESS;
        String attachedTo = "tcx " + (point.egress() ? "egress " : "ingress ") + point.iface() + " (ifindex " + ifindex + ")";
        int fd;
        try {
            fd = kernel.linkCreate(new Kernel.LinkCreateRequest(prog.fd(), ifindex, type.code(),
                    options.first() ? F_BEFORE : 0, 0, options.expectedRevision()));
        } catch (BpfException e) {
            throw new BpfException(what, e.errno(), hint(point, e.errno()), e);
        }
        return new TcLink(kernel, fd, point, attachedTo, attachedTo + " <- " + prog);
    }

    private static String hint(AttachPoint.Tc point, Errno e) {
        switch (e) {
            case EINVAL:
                return "the kernel has no tcx links (Linux 6.6+, CONFIG_NET_XGRESS), or the program is not SCHED_CLS; "
                        + "on older kernels a clsact qdisc with a bpf filter is the way (`tc filter add dev " + point.iface()
                        + (point.egress() ? " egress" : " ingress") + " bpf direct-action`)";
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
