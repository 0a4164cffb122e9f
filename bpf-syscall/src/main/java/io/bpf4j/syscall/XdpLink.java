package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;

/**
 * An {@code XDP} program on a network interface through a BPF link ({@code BPF_LINK_CREATE} with
 * the interface index, Linux 5.9+): the program sees every received packet before the network
 * stack. Closing the link (or the process ending) detaches it; {@link #replace} swaps the
 * program without a gap. Only one XDP program can hold an interface in a mode: a busy interface
 * fails with EBUSY naming what holds it.
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
     */
    public record Options(Mode mode) implements LinkOptions {
        /** The kernel's choice of mode. */
        public static final Options NONE = new Options(Mode.DEFAULT);
        /** Generic (skb) mode: works on every interface, veth included. */
        public static final Options GENERIC = new Options(Mode.GENERIC);
        /** Driver (native) mode. */
        public static final Options DRIVER = new Options(Mode.DRIVER);

        public Options {
            java.util.Objects.requireNonNull(mode, "XDP mode");
        }
    }

    private XdpLink(Kernel kernel, int fd, AttachPoint.Xdp target, String attachedTo, String description) {
        super(kernel, fd, true, target, attachedTo, null, description);
    }

    static XdpLink attach(BpfProgram prog, AttachPoint.Xdp point, Options options) {
        Kernel kernel = prog.kernel();
        String what = "BPF_LINK_CREATE (" + point + " <- " + prog + ")";
        int ifindex = interfaceIndex(kernel, point.iface(), what);
        String attachedTo = "xdp " + point.iface() + " (ifindex " + ifindex + ", mode " + options.mode() + ")";
        int fd;
        try {
            fd = kernel.linkCreate(new Kernel.LinkCreateRequest(prog.fd(), ifindex, AttachType.XDP.code(), options.mode().flag()));
        } catch (BpfException e) {
            throw new BpfException(what, e.errno(), hint(kernel, point, ifindex, options, e.errno()), e);
        }
        return new XdpLink(kernel, fd, point, attachedTo, attachedTo + " <- " + prog);
    }

    private static String hint(Kernel kernel, AttachPoint.Xdp point, int ifindex, Options options, Errno e) {
        switch (e) {
            case EBUSY:
            case EEXIST:
                return "another XDP program holds " + point.iface() + ": " + Holders.describe(kernel, ifindex, AttachType.XDP)
                        + " (EEXIST also means a program is attached in the other mode: generic and driver cannot mix); "
                        + "detach it first, or replace the program of your own link with XdpLink.replace";
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

    /** Replaces the program on the interface by {@code next} in one step ({@code BPF_LINK_UPDATE}). */
    public void replace(BpfProgram next) {
        update(this, next);
    }
}
