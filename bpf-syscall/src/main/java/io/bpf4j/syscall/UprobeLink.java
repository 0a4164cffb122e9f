package io.bpf4j.syscall;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches a {@code KPROBE} program (uprobes share kprobes' program type and {@code pt_regs}
 * context) to a user-space function through the uprobe PMU: {@code config1} points at the
 * binary's path, {@code config2} is the file offset, the retprobe bit makes it a uretprobe.
 * With a pid the event follows that process on every CPU; without, it covers every process.
 */
final class UprobeLink {
    private static final Logger LOG = LoggerFactory.getLogger(UprobeLink.class);

    private UprobeLink() {
    }

    static BpfLink attach(BpfProgram prog, UprobeTarget target, boolean ret) {
        ProbeSupport.requireType(prog, ret ? "uretprobe" : "uprobe", ProgramType.KPROBE);
        String kind = ret ? "uretprobe" : "uprobe";
        int pmu = ProbeSupport.pmuType("uprobe");
        if (pmu < 0) {
            throw new BpfException(kind + " " + target.symbol(), Errno.EOPNOTSUPP,
                    "this kernel has no uprobe PMU (" + ProbeSupport.PMUS.resolve("uprobe") + " missing: CONFIG_UPROBE_EVENTS off?)");
        }
        UprobeTarget.Resolved r = target.resolve();
        Kernel kernel = prog.kernel();
        int progFd = prog.fd();
        long config = ret ? 1L << ProbeSupport.retprobeBit("uprobe") : 0;
        int pid = target.pid();
        int pfd;
        try {
            pfd = kernel.perfEventOpen(new Kernel.PerfEventAttr(pmu, config, 1, 0, 0, 1, r.file().toString(), 0, r.fileOffset()),
                    pid, pid >= 0 ? -1 : 0, -1, Kernel.PERF_FLAG_FD_CLOEXEC);
        } catch (BpfException e) {
            String hint = e.errno() == Errno.ESRCH ? "no process " + pid
                    : e.errno() == Errno.EINVAL ? "the kernel refused offset 0x" + Long.toHexString(r.fileOffset()) + " in "
                    + r.file() + " (not an instruction boundary?)" : e.hint();
            throw new BpfException("perf_event_open (" + kind + " " + r.description() + ")", e.errno(), hint, e);
        }
        String description = kind + " " + (target.symbol() == null ? "" : target.symbol() + " = ") + r.description()
                + (pid >= 0 ? " pid " + pid : "") + " <- " + prog;
        LOG.debug("attaching {}", description);
        return new PerfEventLink(kernel, progFd, new int[] {pfd}, description, null);
    }
}
