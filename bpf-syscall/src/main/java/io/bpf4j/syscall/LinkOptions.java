package io.bpf4j.syscall;

/**
 * Options for {@link BpfProgram#attach(io.bpf4j.core.attach.AttachPoint, LinkOptions)}: one record
 * per attach family, each in its link's file. Options of another family than the point's are
 * refused with a message that names the right one.
 *
 * <pre>{@code
 * prog.attach(AttachPoint.uprobe("libc", "malloc"), new UprobeLink.Options(pid, 0, 7L));  // one process, cookie 7
 * prog.attach(AttachPoint.kprobe("vfs_read"), KprobeLink.Options.cookie(42));
 * }</pre>
 */
public sealed interface LinkOptions permits TracepointLink.Options, KprobeLink.Options, UprobeLink.Options,
        PerfEventLink.Options, XdpLink.Options, TcLink.Options, CgroupLink.Options {
}
