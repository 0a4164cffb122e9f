package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code XDP} program on a network interface through a BPF link ({@code BPF_LINK_CREATE} with
 * the interface index, Linux 5.9+): the program sees every received packet before the network
 * stack. Closing the link (or the process ending) detaches it; {@link #replace} swaps the
 * program without a gap. Only one XDP program can hold an interface in a mode: a busy interface
 * fails with EBUSY naming what holds it.
 *
 * <p>Where the kernel has no XDP links (before 5.9), or with {@link Options#netlink}, the program
 * is set through rtnetlink ({@code IFLA_XDP} with {@code XDP_FLAGS_UPDATE_IF_NOEXIST}, so a
 * program already there is never replaced); closing removes it only if it is still this link's
 * ({@code XDP_FLAGS_REPLACE} with the expected program), and leaves alone what someone else put
 * there after removing it. Such a link has no fd
 * ({@link #fd()} is -1, {@link #isBpfLink()} false).
 *
 * <pre>{@code
 * try (BpfProgram p = BpfProgram.load(ProgramSpec.of("count", program, AttachPoint.xdp("veth0")).license("GPL"));
 *      XdpLink link = (XdpLink) p.attach(AttachPoint.xdp("veth0"), XdpLink.Options.GENERIC)) {
 *     ...                      // packets arriving on veth0 run the program
 *     link.replace(other);     // atomically
 * }
 * }</pre>
 */
public final class XdpLink extends FdLink {
    private static final Logger LOG = LoggerFactory.getLogger(XdpLink.class);
    /** Where in the driver the program runs. */
    public enum Mode {
        /** The driver's native hook where it has one, else generic: the kernel decides. */
        DEFAULT(0),
        /** {@code XDP_FLAGS_SKB_MODE}: after the socket buffer is built, on any interface. */
        GENERIC(2),
        /** {@code XDP_FLAGS_DRV_MODE}: in the driver; fails where the driver has no XDP support. */
        DRIVER(4),
        /** {@code XDP_FLAGS_HW_MODE}: offloaded to the NIC. */
        OFFLOAD(8);

        private final int flag;

        Mode(int flag) {
            this.flag = flag;
        }

        /** The {@code XDP_FLAGS_*} bit. */
        public int flag() {
            return flag;
        }
    }

    /**
     * Options of an XDP attachment.
     *
     * @param mode generic, driver, offload, or the kernel's choice
     * @param netlink true to attach through rtnetlink {@code IFLA_XDP} even where BPF links exist
     */
    public record Options(Mode mode, boolean netlink) implements LinkOptions {
        /** The kernel's choice of mode. */
        public static final Options NONE = new Options(Mode.DEFAULT, false);
        /** Generic (skb) mode: works on every interface, veth included. */
        public static final Options GENERIC = new Options(Mode.GENERIC, false);
        /** Driver (native) mode. */
        public static final Options DRIVER = new Options(Mode.DRIVER, false);

        public Options {
            java.util.Objects.requireNonNull(mode, "XDP mode");
        }

        /** Through rtnetlink in {@code mode}, as kernels before 5.9 need. */
        public static Options netlink(Mode mode) {
            return new Options(mode, true);
        }
    }

    /** {@code XDP_FLAGS_UPDATE_IF_NOEXIST}, {@code XDP_FLAGS_REPLACE}. */
    static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1, XDP_FLAGS_REPLACE = 16;

    /** For a netlink attachment: the socket (of the attaching thread's namespace) and this link's own program fd. */
    private final Rtnetlink netlink;
    private final int ifindex;
    private final int modeFlag;
    private int ownProgFd = -1;

    private XdpLink(Kernel kernel, int fd, AttachPoint.Xdp target, String attachedTo, String description, Rtnetlink netlink,
                    int ifindex, int modeFlag) {
        super(kernel, fd, netlink == null, target, attachedTo, null, description);
        this.netlink = netlink;
        this.ifindex = ifindex;
        this.modeFlag = modeFlag;
    }

    static XdpLink attach(BpfProgram prog, AttachPoint.Xdp point, Options options) {
        Kernel kernel = prog.kernel();
        String what = "BPF_LINK_CREATE (" + point + " <- " + prog + ")";
        int ifindex = interfaceIndex(kernel, point.iface(), what);
        String attachedTo = "xdp " + point.iface() + " (ifindex " + ifindex + ", mode " + options.mode() + ")";
        if (options.netlink()) {
            return viaNetlink(prog, point, ifindex, options);
        }
        int fd;
        try {
            fd = kernel.linkCreate(new Kernel.LinkCreateRequest(prog.fd(), ifindex, AttachType.XDP.code(), options.mode().flag()));
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL) {
                // Perhaps a kernel before 5.9 (no XDP links): netlink decides.
                try {
                    return viaNetlink(prog, point, ifindex, options);
                } catch (BpfException n) {
                    n.addSuppressed(e);
                    throw n;
                }
            }
            throw new BpfException(what, e.errno(), hint(kernel, point, ifindex, options, e.errno()), e);
        }
        return new XdpLink(kernel, fd, point, attachedTo, attachedTo + " <- " + prog, null, ifindex, options.mode().flag());
    }

    private static XdpLink viaNetlink(BpfProgram prog, AttachPoint.Xdp point, int ifindex, Options options) {
        Kernel kernel = prog.kernel();
        String attachedTo = "xdp " + point.iface() + " (ifindex " + ifindex + ", mode " + options.mode() + ", netlink)";
        String what = "rtnetlink IFLA_XDP (" + attachedTo + " <- " + prog + ")";
        Rtnetlink nl = Rtnetlink.open(kernel);
        int own = -1;
        try {
            own = CgroupLink.ownProgramFd(kernel, prog);
            nl.setXdp(ifindex, own, XDP_FLAGS_UPDATE_IF_NOEXIST | options.mode().flag(), 0, what);
        } catch (BpfException e) {
            PerfBackedLink.closeQuietly(kernel, own);
            nl.close();
            throw new BpfException(what, e.errno(), hint(kernel, point, ifindex, options, e.errno()), e);
        }
        XdpLink link = new XdpLink(kernel, -1, point, attachedTo, attachedTo + " <- " + prog, nl, ifindex,
                options.mode().flag());
        link.ownProgFd = own;
        link.resource.onClose(nl::close);
        link.resource.onClose(link::closeOwnProgram);
        // Remove the program only if it is still ours (XDP_FLAGS_REPLACE with the expected fd).
        link.resource.onClose(() -> {
            try {
                nl.setXdp(ifindex, -1, XDP_FLAGS_REPLACE | link.modeFlag, link.ownProgFd, what);
            } catch (BpfException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
                // Removed or replaced by someone else (`ip link set ... off`): nothing of ours is left to remove.
                LOG.debug("{}: the interface no longer runs this link's program; left as it is", attachedTo);
            }
        });
        return link;
    }

    private synchronized void closeOwnProgram() {
        kernel.close(ownProgFd);
    }

    private static String hint(Kernel kernel, AttachPoint.Xdp point, int ifindex, Options options, Errno e) {
        switch (e) {
            case EBUSY:
            case EEXIST:
                return "another XDP program holds " + point.iface() + ": " + Holders.xdp(kernel, ifindex, point.iface(),
                        options.mode());
            case EOPNOTSUPP:
                return options.mode() == Mode.GENERIC ? null : "the driver of " + point.iface() + " has no " + options.mode()
                        + " XDP support: use XdpLink.Options.GENERIC";
            case EINVAL:
                return "the kernel refused the XDP link (Linux before 5.9 has no XDP links; an XDP program loaded for a "
                        + "devmap/cpumap cannot go on an interface)";
            default:
                return null;
        }
    }

    /**
     * Replaces the program on the interface by {@code next} in one step ({@code BPF_LINK_UPDATE}, or
     * {@code IFLA_XDP} with {@code XDP_FLAGS_REPLACE} for a netlink attachment).
     */
    public void replace(BpfProgram next) {
        if (netlink == null) {
            update(this, next);
            return;
        }
        resource.acquire();
        try {
            synchronized (this) {
                int own = CgroupLink.ownProgramFd(kernel, next);
                try {
                    netlink.setXdp(ifindex, own, XDP_FLAGS_REPLACE | modeFlag, ownProgFd, "rtnetlink IFLA_XDP replace ("
                            + description() + " -> " + next + ")");
                } catch (BpfException e) {
                    kernel.close(own);
                    throw e;
                }
                kernel.close(ownProgFd);
                ownProgFd = own;
            }
        } finally {
            resource.release();
        }
    }
}
