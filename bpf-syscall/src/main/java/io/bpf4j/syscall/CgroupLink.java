package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.internal.Attr;
import io.bpf4j.syscall.internal.Direct;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@code CGROUP_SKB} or {@code CGROUP_SOCK} program on a cgroup v2 directory: it runs for the
 * packets (ingress, egress) or the new sockets of every process in the cgroup and its
 * descendants. By default a BPF link ({@code BPF_LINK_CREATE} with the cgroup's fd, Linux 5.7+),
 * which runs beside other programs on the hook and is detached when closed. The legacy modes
 * ({@code BPF_PROG_ATTACH} with attach flags) are for kernels and setups that need them: the
 * link then holds the cgroup fd and its own program fd and detaches with {@code BPF_PROG_DETACH}
 * on close.
 *
 * <pre>{@code
 * AttachPoint at = AttachPoint.cgroupSockCreate("/sys/fs/cgroup/app");
 * try (BpfProgram p = BpfProgram.load(ProgramSpec.of("nosock", program, at).license("GPL"));
 *      BpfLink l = p.attach(at)) { ... }          // socket() in the cgroup fails with EPERM
 * p.attach(at, CgroupLink.Options.MULTI);          // BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI
 * }</pre>
 */
public final class CgroupLink extends FdLink {
    /** How the program goes on the cgroup. */
    public enum Mode {
        /** A BPF link ({@code BPF_LINK_CREATE}): coexists with other links, detached when closed. */
        LINK(-1),
        /** {@code BPF_PROG_ATTACH} with no flag: the only program on the hook, descendants cannot add theirs. */
        EXCLUSIVE(0),
        /** {@code BPF_PROG_ATTACH} with {@code BPF_F_ALLOW_OVERRIDE}: a descendant's program replaces this one there. */
        OVERRIDE(1),
        /** {@code BPF_PROG_ATTACH} with {@code BPF_F_ALLOW_MULTI}: runs with the descendants' programs. */
        MULTI(2);

        private final int flags;

        Mode(int flags) {
            this.flags = flags;
        }

        /** The {@code BPF_F_ALLOW_*} attach flags, or -1 for a link. */
        public int attachFlags() {
            return flags;
        }
    }

    /**
     * Options of a cgroup attachment.
     *
     * @param mode a link (default) or a legacy attachment with its flags
     */
    public record Options(Mode mode) implements LinkOptions {
        /** A BPF link. */
        public static final Options NONE = new Options(Mode.LINK);
        /** {@code BPF_PROG_ATTACH} with {@code BPF_F_ALLOW_MULTI}. */
        public static final Options MULTI = new Options(Mode.MULTI);
        /** {@code BPF_PROG_ATTACH} with {@code BPF_F_ALLOW_OVERRIDE}. */
        public static final Options OVERRIDE = new Options(Mode.OVERRIDE);

        public Options {
            java.util.Objects.requireNonNull(mode, "cgroup attach mode");
        }
    }

    private CgroupLink(Kernel kernel, int fd, boolean bpfLink, AttachPoint.Cgroup target, String attachedTo,
                       String description) {
        super(kernel, fd, bpfLink, target, attachedTo, null, description);
    }

    static CgroupLink attach(BpfProgram prog, AttachPoint.Cgroup point, Options options) {
        Kernel kernel = prog.kernel();
        Path dir = Path.of(point.path());
        String what = (options.mode() == Mode.LINK ? "BPF_LINK_CREATE (" : "BPF_PROG_ATTACH (") + point + " <- " + prog + ")";
        if (kernel.pathKind(dir) != Kernel.PathKind.DIRECTORY) {
            throw new BpfException(what, Errno.ENOENT, point.path() + " is not a directory: give a cgroup v2 directory "
                    + "(mount -t cgroup2 none /sys/fs/cgroup; mkdir /sys/fs/cgroup/NAME)");
        }
        int dirFd = kernel.openDirectory(dir);
        String attachedTo = "cgroup " + point.path() + " " + point.hook().kernelName()
                + (options.mode() == Mode.LINK ? "" : " (" + options.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
        String description = attachedTo + " <- " + prog;
        if (options.mode() == Mode.LINK) {
            try {
                int fd = kernel.linkCreate(new Kernel.LinkCreateRequest(prog.fd(), dirFd, point.hook().code(), 0));
                return new CgroupLink(kernel, fd, true, point, attachedTo, description);
            } catch (BpfException e) {
                throw new BpfException(what, e.errno(), hint(point, e.errno()), e);
            } finally {
                // The link holds the cgroup itself.
                kernel.close(dirFd);
            }
        }
        // Legacy: detaching later needs the program, which the caller may close first: hold an fd of our own.
        int ownProg = -1;
        try {
            ownProg = ownProgramFd(kernel, prog);
            kernel.progAttach(dirFd, ownProg, point.hook().code(), options.mode().attachFlags());
        } catch (RuntimeException e) {
            PerfBackedLink.closeQuietly(kernel, ownProg);
            PerfBackedLink.closeQuietly(kernel, dirFd);
            throw e instanceof BpfException ? new BpfException(what, ((BpfException) e).errno(),
                    hint(point, ((BpfException) e).errno()), e) : e;
        }
        CgroupLink link = new CgroupLink(kernel, dirFd, false, point, attachedTo, description);
        final int progFd = ownProg;
        link.resource.onClose(() -> kernel.close(progFd));
        link.resource.onClose(() -> kernel.progDetach(dirFd, progFd, point.hook().code()));
        return link;
    }

    static int ownProgramFd(Kernel kernel, BpfProgram prog) {
        ByteBuffer info = Direct.zeroed(Direct.CURSOR, Attr.PROG_INFO_SIZE_READ);
        kernel.objGetInfoByFd(prog.fd(), info);
        return kernel.progGetFdById(info.getInt(info.position() + Attr.PROG_INFO_ID));
    }

    private static String hint(AttachPoint.Cgroup point, Errno e) {
        switch (e) {
            case EBADF:
                return point.path() + " is not a cgroup v2 directory (cgroup v1 hierarchies take no BPF programs)";
            case EPERM:
                return "a program attached without BPF_F_ALLOW_MULTI/OVERRIDE holds this hook here or above, or the process "
                        + "lacks CAP_NET_ADMIN/CAP_BPF";
            case EINVAL:
                return "the program's type or expected attach type does not fit " + point.hook().kernelName()
                        + " (load it with ProgramSpec.of(name, program, point)), or the kernel has no cgroup links (5.7+)";
            default:
                return null;
        }
    }
}
