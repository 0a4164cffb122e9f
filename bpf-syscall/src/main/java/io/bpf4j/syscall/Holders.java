package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachType;
import io.bpf4j.syscall.internal.Attr;
import io.bpf4j.syscall.internal.Direct;
import java.nio.ByteBuffer;

/**
 * Names what holds a network hook when an attach finds it busy: walks the kernel's BPF links
 * ({@code BPF_LINK_GET_NEXT_ID}) for an XDP or tcx link on the interface and reads its program's
 * name and id. Only reads: every fd opened here is closed before returning.
 */
final class Holders {
    /** {@code struct bpf_link_info}: type, id, prog_id, then the type's union at 16. */
    private static final int INFO_TYPE = 0, INFO_ID = 4, INFO_PROG_ID = 8, INFO_UNION = 16, INFO_SIZE = 64;
    /** {@code BPF_LINK_TYPE_XDP}, {@code BPF_LINK_TYPE_TCX}. */
    private static final int LINK_TYPE_XDP = 6, LINK_TYPE_TCX = 11;
    private static final int MAX_LINKS = 100_000;

    private Holders() {
    }

    /** "link 12 of program 'fw' (id 40)", or a sentence saying no link holds it (a netlink attachment). */
    static String describe(Kernel kernel, int ifindex, AttachType hook) {
        try {
            int id = 0;
            for (int n = 0; n < MAX_LINKS; n++) {
                id = kernel.linkGetNextId(id);
                if (id == 0) {
                    break;
                }
                String found = holder(kernel, id, ifindex, hook);
                if (found != null) {
                    return found;
                }
            }
        } catch (BpfException e) {
            return "could not list BPF links (" + e.errno() + "); see `bpftool net show`";
        }
        return "no BPF link holds it, so a program attached through netlink does (see `ip link show` or `bpftool net show`)";
    }

    private static String holder(Kernel kernel, int linkId, int ifindex, AttachType hook) {
        int fd;
        try {
            fd = kernel.linkGetFdById(linkId);
        } catch (BpfException e) {
            return null;   // gone meanwhile
        }
        try {
            ByteBuffer info = Direct.zeroed(Direct.CURSOR, INFO_SIZE);
            kernel.objGetInfoByFd(fd, info);
            int p = info.position();
            int type = info.getInt(p + INFO_TYPE);
            boolean match = type == LINK_TYPE_XDP && hook == AttachType.XDP && info.getInt(p + INFO_UNION) == ifindex
                    || type == LINK_TYPE_TCX && info.getInt(p + INFO_UNION) == ifindex
                    && info.getInt(p + INFO_UNION + 4) == hook.code();
            if (!match) {
                return null;
            }
            int progId = info.getInt(p + INFO_PROG_ID);
            return "link " + info.getInt(p + INFO_ID) + " of program " + programName(kernel, progId) + " (id " + progId + ")";
        } finally {
            kernel.close(fd);
        }
    }

    private static String programName(Kernel kernel, int progId) {
        int fd;
        try {
            fd = kernel.progGetFdById(progId);
        } catch (BpfException e) {
            return "?";
        }
        try {
            ByteBuffer info = Direct.zeroed(Direct.CURSOR, Attr.PROG_INFO_SIZE_READ);
            kernel.objGetInfoByFd(fd, info);
            return "'" + Direct.cString(info, Attr.PROG_INFO_NAME, Attr.OBJ_NAME_LEN) + "'";
        } finally {
            kernel.close(fd);
        }
    }
}
