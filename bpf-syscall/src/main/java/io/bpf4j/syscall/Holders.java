package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.Attr;
import io.bpf4j.syscall.internal.Direct;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Names what holds a network hook when an attach finds it busy, and what to do about it. For
 * XDP, the interface's own report ({@code RTM_GETLINK}: the program id per mode in
 * {@code IFLA_XDP}) says which program holds which mode; the kernel's BPF links
 * ({@code BPF_LINK_GET_NEXT_ID}) say whether a link holds it (and which) or it was set through
 * netlink; the program's info gives its name. Only reads: every fd and socket opened here is
 * closed before returning, and a failure to read is said in the text rather than thrown.
 *
 * <pre>{@code
 * Holders.xdp(kernel, 7, "veth0", XdpLink.Mode.GENERIC)
 * // "program 'fw' (id 40) in generic (skb) mode, attached through netlink (IFLA_XDP): detach it with
 * //  `ip link set dev veth0 xdpgeneric off`, ..."
 * }</pre>
 */
final class Holders {
    /** {@code struct bpf_link_info}: type, id, prog_id, then the type's union at 16. */
    private static final int INFO_TYPE = 0, INFO_ID = 4, INFO_PROG_ID = 8, INFO_UNION = 16, INFO_SIZE = 64;
    /** {@code BPF_LINK_TYPE_XDP}, {@code BPF_LINK_TYPE_TCX}. */
    private static final int LINK_TYPE_XDP = 6, LINK_TYPE_TCX = 11;
    private static final int MAX_LINKS = 100_000;

    private Holders() {
    }

    /**
     * What holds the XDP hook of {@code ifindex} (named {@code iface} in the calling thread's network
     * namespace) and what to do, for an attach in {@code wanted} mode that found it busy.
     */
    static String xdp(Kernel kernel, int ifindex, String iface, XdpLink.Mode wanted) {
        Rtnetlink.XdpPrograms ids;
        try (Rtnetlink nl = Rtnetlink.open(kernel)) {
            ids = nl.xdpPrograms(ifindex, "rtnetlink RTM_GETLINK (ifindex " + ifindex + ")");
        } catch (BpfException e) {
            return xdpByLinksOnly(kernel, ifindex, iface, e);
        }
        List<String> holders = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        boolean otherMode = false;
        XdpLink.Mode[] modes = {XdpLink.Mode.GENERIC, XdpLink.Mode.DRIVER, XdpLink.Mode.OFFLOAD};
        int[] progIds = {ids.skb(), ids.drv(), ids.hw()};
        for (int i = 0; i < modes.length; i++) {
            if (progIds[i] == 0) {
                continue;
            }
            XdpLink.Mode mode = modes[i];
            otherMode |= mode != XdpLink.Mode.OFFLOAD && wanted != XdpLink.Mode.OFFLOAD && mode != wanted;
            String program = program(kernel, progIds[i]) + " in " + modeName(mode);
            int linkId = xdpLinkOf(kernel, ifindex, progIds[i]);
            if (linkId > 0) {
                holders.add(program + ", attached through BPF link " + linkId);
                remedies.add("close link " + linkId + " in the process that holds it (`bpftool link show id " + linkId
                        + "` names it; `bpftool link detach id " + linkId + "` forces it off)");
            } else {
                holders.add(program + ", attached through netlink (IFLA_XDP)");
                remedies.add("remove it with `ip link set dev " + iface + " " + ipKeyword(mode) + " off`");
            }
        }
        if (holders.isEmpty()) {
            return "no XDP program is on " + iface + " now: it was detached meanwhile (try again), or an upper device "
                    + "of " + iface + " (a bond or bridge it belongs to) has one, which keeps XDP off its lower devices "
                    + "(see `ip link show " + iface + "` for its master)";
        }
        StringBuilder sb = new StringBuilder(String.join("; ", holders)).append(". Detach it first: ")
                .append(String.join("; ", remedies));
        if (wanted == XdpLink.Mode.DEFAULT) {
            sb.append(" (with no mode given the kernel picks driver mode where the driver has XDP support, as veth does, "
                    + "else generic; generic and driver mode cannot be active on one interface at once)");
        } else if (otherMode) {
            sb.append(" (generic and driver mode cannot be active on one interface at once)");
        }
        sb.append("; or, if it is an XdpLink of yours, swap its program in place with XdpLink.replace(program)");
        return sb.toString();
    }

    /** Without the interface's report: the XDP link on {@code ifindex}, if any. */
    private static String xdpByLinksOnly(Kernel kernel, int ifindex, String iface, BpfException why) {
        int[] found = linkOn(kernel, ifindex, LINK_TYPE_XDP, 0, 0);
        if (found == null) {
            return "no BPF link holds it, so a program attached through netlink does (the interface's XDP state could not "
                    + "be read: " + why.errno() + "; see `ip link show " + iface + "`, and remove it with `ip link set dev "
                    + iface + " xdpgeneric off` or `xdpdrv off`)";
        }
        return program(kernel, found[1]) + ", attached through BPF link " + found[0] + ". Detach it first: close link "
                + found[0] + " in the process that holds it (`bpftool link show id " + found[0] + "` names it)";
    }

    /**
     * What holds the tcx hook {@code attachType} of {@code ifindex} with program {@code progId}
     * (a tcx hook runs each program once: attaching the same program again is EEXIST).
     */
    static String tcxSameProgram(Kernel kernel, int ifindex, int attachType, int progId) {
        int[] found = progId == 0 ? null : linkOn(kernel, ifindex, LINK_TYPE_TCX, attachType, progId);
        String program = progId == 0 ? "this program" : program(kernel, progId);
        if (found == null) {
            return program + " is on this hook already (a tcx hook runs each program once): detach it, or load the "
                    + "program again to attach a second copy";
        }
        return program + " is on this hook already through BPF link " + found[0] + " (a tcx hook runs each program "
                + "once): close that link, or load the program again to attach a second copy";
    }

    private static String modeName(XdpLink.Mode mode) {
        return mode == XdpLink.Mode.GENERIC ? "generic (skb) mode" : mode == XdpLink.Mode.DRIVER ? "driver (native) mode"
                : "offload (hardware) mode";
    }

    /** iproute2's word for the mode: {@code ip link set dev X xdpgeneric|xdpdrv|xdpoffload off}. */
    private static String ipKeyword(XdpLink.Mode mode) {
        return mode == XdpLink.Mode.GENERIC ? "xdpgeneric" : mode == XdpLink.Mode.DRIVER ? "xdpdrv" : "xdpoffload";
    }

    private static int xdpLinkOf(Kernel kernel, int ifindex, int progId) {
        int[] found = linkOn(kernel, ifindex, LINK_TYPE_XDP, 0, progId);
        return found == null ? 0 : found[0];
    }

    /**
     * The first link of {@code type} on {@code ifindex} (and, for tcx, {@code attachType}), running
     * {@code progId} unless it is 0: {link id, program id}, or null.
     */
    private static int[] linkOn(Kernel kernel, int ifindex, int type, int attachType, int progId) {
        try {
            int id = 0;
            for (int n = 0; n < MAX_LINKS; n++) {
                id = kernel.linkGetNextId(id);
                if (id == 0) {
                    return null;
                }
                int[] found = matching(kernel, id, ifindex, type, attachType, progId);
                if (found != null) {
                    return found;
                }
            }
        } catch (BpfException e) {
            // Listing links needs CAP_SYS_ADMIN: without it, no link is named.
        }
        return null;
    }

    private static int[] matching(Kernel kernel, int linkId, int ifindex, int type, int attachType, int progId) {
        int fd;
        try {
            fd = kernel.linkGetFdById(linkId);
        } catch (BpfException e) {
            return null;   // gone meanwhile
        }
        try {
            ByteBuffer info = Direct.zeroed(Direct.CURSOR, INFO_SIZE);
            try {
                kernel.objGetInfoByFd(fd, info);
            } catch (BpfException e) {
                return null;
            }
            int p = info.position();
            int prog = info.getInt(p + INFO_PROG_ID);
            boolean match = info.getInt(p + INFO_TYPE) == type && info.getInt(p + INFO_UNION) == ifindex
                    && (type != LINK_TYPE_TCX || info.getInt(p + INFO_UNION + 4) == attachType)
                    && (progId == 0 || prog == progId);
            return match ? new int[] {info.getInt(p + INFO_ID), prog} : null;
        } finally {
            kernel.close(fd);
        }
    }

    /** The kernel's id of the program behind {@code progFd} (0 if it cannot be read). */
    static int programId(Kernel kernel, int progFd) {
        ByteBuffer info = Direct.zeroed(Direct.CURSOR, Attr.PROG_INFO_SIZE_READ);
        try {
            kernel.objGetInfoByFd(progFd, info);
        } catch (BpfException e) {
            return 0;
        }
        return info.getInt(info.position() + Attr.PROG_INFO_ID);
    }

    /** "program 'fw' (id 40)", or "program id 40" where its name cannot be read. */
    static String program(Kernel kernel, int progId) {
        int fd;
        try {
            fd = kernel.progGetFdById(progId);
        } catch (BpfException e) {
            return "program id " + progId;
        }
        try {
            ByteBuffer info = Direct.zeroed(Direct.CURSOR, Attr.PROG_INFO_SIZE_READ);
            try {
                kernel.objGetInfoByFd(fd, info);
            } catch (BpfException e) {
                return "program id " + progId;
            }
            String name = Direct.cString(info, Attr.PROG_INFO_NAME, Attr.OBJ_NAME_LEN);
            return name.isEmpty() ? "program id " + progId : "program '" + name + "' (id " + progId + ")";
        } finally {
            kernel.close(fd);
        }
    }
}
