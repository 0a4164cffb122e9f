package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.Names;
import io.bpf4j.syscall.internal.PseudoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches a {@code KPROBE} program to a kernel function: through the kprobe PMU
 * ({@code /sys/bus/event_source/devices/kprobe}) when the kernel has it, else by writing a probe
 * into tracefs {@code kprobe_events} and opening its tracepoint (the probe is removed again at
 * close). A kernel with neither (built without {@code CONFIG_KPROBES}) gets a one-line error that
 * says so and names a tracepoint to use instead.
 */
final class KprobeLink {
    private static final Logger LOG = LoggerFactory.getLogger(KprobeLink.class);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private KprobeLink() {
    }

    static BpfLink attach(BpfProgram prog, String function, long offset, boolean ret) {
        Names.checkTracefsName("kprobe function", function);
        if (offset < 0 || (ret && offset != 0)) {
            throw new IllegalArgumentException("kprobe offset " + offset + " into " + function
                    + (ret ? ": kretprobes take no offset" : ": expected >= 0"));
        }
        ProbeSupport.requireType(prog, ret ? "kretprobe" : "kprobe", ProgramType.KPROBE);
        Kernel kernel = prog.kernel();
        int progFd = prog.fd();
        String kind = ret ? "kretprobe" : "kprobe";
        String description = kind + " " + function + (offset > 0 ? "+0x" + Long.toHexString(offset) : "") + " <- " + prog;
        int pmu = ProbeSupport.pmuType("kprobe");
        if (pmu >= 0) {
            long config = ret ? 1L << ProbeSupport.retprobeBit("kprobe") : 0;
            int pfd;
            try {
                pfd = kernel.perfEventOpen(new Kernel.PerfEventAttr(pmu, config, 1, 0, 0, 1, function, 0, offset), -1, 0, -1,
                        Kernel.PERF_FLAG_FD_CLOEXEC);
            } catch (BpfException e) {
                throw new BpfException("perf_event_open (" + kind + " " + function + ")", e.errno(),
                        functionHint(function, e.errno()), e);
            }
            return new PerfEventLink(kernel, progFd, new int[] {pfd}, description, null);
        }
        Path events = kprobeEvents(kernel);
        if (events == null) {
            throw noKprobes(kind, function);
        }
        return viaTracefs(kernel, progFd, events, function, offset, ret, description);
    }

    /** {@code <tracefs>/kprobe_events}, or null when tracefs has none (or cannot be mounted). */
    private static Path kprobeEvents(Kernel kernel) {
        try {
            Path p = Tracefs.root(kernel).resolve("kprobe_events");
            return Files.exists(p) ? p : null;
        } catch (BpfException e) {
            LOG.debug("no tracefs for the kprobe_events fallback: {}", e.getMessage());
            return null;
        }
    }

    private static BpfLink viaTracefs(Kernel kernel, int progFd, Path events, String function, long offset, boolean ret,
                                      String description) {
        String event = "bpf4j_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        String probe = (ret ? "r" : "p") + ":bpf4j/" + event + " " + function + (offset > 0 ? "+" + offset : "") + "\n";
        try {
            PseudoFiles.append(events, probe);
        } catch (IOException e) {
            throw new BpfException("write " + events, Errno.EINVAL, functionHint(function, Errno.ENOENT)
                    + " (the kernel refused '" + probe.trim() + "': " + e.getMessage() + ")", e);
        }
        Runnable remove = () -> {
            try {
                PseudoFiles.append(events, "-:bpf4j/" + event + "\n");
            } catch (IOException e) {
                LOG.warn("could not remove kprobe event bpf4j/{}: {}", event, e.getMessage());
            }
        };
        int id;
        try {
            id = Integer.parseInt(PseudoFiles.readTrimmed(events.getParent().resolve("events/bpf4j").resolve(event)
                    .resolve("id")));
        } catch (IOException | NumberFormatException e) {
            remove.run();
            throw new BpfException("kprobe " + function, Errno.ENOENT, "the probe was written but its id is unreadable", e);
        }
        return TracepointLink.open(kernel, progFd, id, description + " (via kprobe_events)", remove);
    }

    private static String functionHint(String function, Errno e) {
        if (e != Errno.ENOENT && e != Errno.EINVAL) {
            return null;
        }
        String kallsyms = readQuietly(Path.of("/proc/kallsyms"));
        String traceable = null;
        try {
            traceable = readQuietly(Tracefs.root().resolve("available_filter_functions"));
        } catch (BpfException ignored) {
            // No tracefs: the hint does without the notrace check.
        }
        return diagnose(function, kallsyms, traceable);
    }

    private static String readQuietly(Path p) {
        try {
            return PseudoFiles.read(p);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Why {@code function} cannot be probed, from {@code /proc/kallsyms} ("addr type name [module]"
     * lines) and tracefs {@code available_filter_functions} ("name [module]" lines); either may be
     * null when unreadable.
     */
    static String diagnose(String function, String kallsyms, String traceable) {
        if (kallsyms != null && !containsSymbol(kallsyms, function, 2)) {
            return "kernel function '" + function + "' does not exist in this kernel (not in /proc/kallsyms): "
                    + "misspelt, inlined by the compiler, or from a module that is not loaded";
        }
        if (traceable != null && !containsSymbol(traceable, function, 0)) {
            return "kernel function '" + function + "' exists but cannot be probed: it is notrace or on the kprobe "
                    + "blacklist (not in <tracefs>/available_filter_functions)";
        }
        return "kernel function '" + function + "' not found or not probeable: check /proc/kallsyms; notrace, inlined "
                + "and blacklisted functions (/sys/kernel/debug/kprobes/blacklist) cannot be probed";
    }

    /** True if a whitespace-separated field {@code field} of some line equals {@code name}. */
    private static boolean containsSymbol(String text, String name, int field) {
        int from = 0;
        while (true) {
            int at = text.indexOf(name, from);
            if (at < 0) {
                return false;
            }
            int lineStart = text.lastIndexOf('\n', at) + 1;
            int lineEnd = text.indexOf('\n', at);
            String[] f = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd).trim().split("\\s+");
            if (f.length > field && f[field].equals(name)) {
                return true;
            }
            from = at + name.length();
        }
    }

    /** The one-line error for a kernel without kprobes, with the tracepoint to use instead. */
    static BpfException noKprobes(String kind, String function) {
        return new BpfException(kind + " " + function, Errno.EOPNOTSUPP,
                "this kernel has no kprobes (CONFIG_KPROBES is off: no kprobe PMU in " + ProbeSupport.PMUS
                        + " and no tracefs kprobe_events); use a tracepoint instead: " + alternative(function));
    }

    /** A tracepoint that observes what {@code function} does, as a hint. */
    static String alternative(String function) {
        String f = function;
        for (String prefix : new String[] {"__x64_sys_", "__arm64_sys_", "__ia32_sys_", "__se_sys_", "__do_sys_", "ksys_",
            "sys_"}) {
            if (f.startsWith(prefix)) {
                String sc = f.substring(prefix.length());
                return "attachTracepoint(\"syscalls\", \"sys_enter_" + sc + "\") (and sys_exit_" + sc + ")";
            }
        }
        if (f.contains("execve") || f.equals("do_execveat_common") || f.equals("bprm_execve")) {
            return "attachTracepoint(\"sched\", \"sched_process_exec\") or (\"syscalls\", \"sys_enter_execve\")";
        }
        if (f.equals("do_exit") || f.equals("do_group_exit")) {
            return "attachTracepoint(\"sched\", \"sched_process_exit\")";
        }
        if (f.equals("kernel_clone") || f.equals("_do_fork") || f.equals("wake_up_new_task") || f.equals("copy_process")) {
            return "attachTracepoint(\"sched\", \"sched_process_fork\")";
        }
        if (f.startsWith("do_sys_open") || f.equals("do_filp_open")) {
            return "attachTracepoint(\"syscalls\", \"sys_enter_openat\")";
        }
        return "pick one from <tracefs>/available_events (e.g. \"syscalls\"/\"sys_enter_<name>\", \"sched\"/...), or "
                + "attachRawTracepoint(...)";
    }
}
