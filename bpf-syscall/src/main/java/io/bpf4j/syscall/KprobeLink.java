package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.internal.Names;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * A {@code KPROBE} program attached to a kernel function: through the kprobe PMU
 * ({@code /sys/bus/event_source/devices/kprobe}) when the kernel has it, else by writing a probe
 * into tracefs {@code kprobe_events} and opening its tracepoint (the probe is removed again at
 * close; probes left by a killed process are removed by the next attach). The function name is
 * resolved first: an exact symbol, else its one traceable compiler clone
 * ({@code do_execveat_common.isra.0}). A kernel with no kprobes (built without
 * {@code CONFIG_KPROBES}) gets a one-line error that says so and names a tracepoint to use instead.
 *
 * <pre>{@code
 * try (BpfLink l = prog.attach(AttachPoint.kprobe("do_execveat_common"))) {
 *     l.info().attachedTo();   // "kprobe do_execveat_common.isra.0 (kprobe PMU)" on Debian's 6.1
 * }
 * }</pre>
 */
public final class KprobeLink extends PerfBackedLink {
    private static final Logger LOG = Logs.get(KprobeLink.class);
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** The group and event names this class writes into {@code kprobe_events}: {@code bpf4j/bpf4j_<pid>_<n>}. */
    private static final Pattern OWN_EVENT = Pattern.compile("(?m)^[pr]\\d*:bpf4j/(bpf4j_(\\d+)_\\d+) ");

    /**
     * Options of a kprobe or kretprobe attachment.
     *
     * @param cookie the value {@code bpf_get_attach_cookie()} returns in the program (0: none; Linux 5.15+)
     * @param maxActive kretprobes only: how many calls may be in flight at once (0: the kernel's
     *                  default); only the tracefs {@code kprobe_events} path can set it
     */
    public record Options(long cookie, int maxActive) implements LinkOptions {
        /** No options. */
        public static final Options NONE = new Options(0, 0);

        public Options {
            if (maxActive < 0 || maxActive > 4096) {
                throw new IllegalArgumentException("kretprobe maxActive " + maxActive + ": expected 0..4096 (0 = default)");
            }
        }

        /** With a BPF cookie. */
        public static Options cookie(long cookie) {
            return new Options(cookie, 0);
        }
    }

    /**
     * The kernel functions this kernel lets a kprobe (or fentry) go on, sorted: tracefs
     * {@code available_filter_functions}, else the text symbols of {@code /proc/kallsyms}; empty when
     * neither can be read. Tools match their wildcards against it.
     *
     * <pre>{@code
     * KprobeLink.traceableFunctions().stream().filter(f -> f.startsWith("vfs_")).count();
     * }</pre>
     */
    public static List<String> traceableFunctions() {
        return KernelFunctions.traceable(Kernel.system());
    }

    private KprobeLink(Kernel kernel, Attached attached, AttachPoint target, String attachedTo, String symbol,
                       String description, Runnable cleanup) {
        super(kernel, attached, target, attachedTo, symbol, description, cleanup);
    }

    static KprobeLink attach(BpfProgram prog, AttachPoint.KernelFunction fn, Options options) {
        Names.checkTracefsName("kprobe function", fn.function());
        Kernel kernel = prog.kernel();
        String kind = fn.isReturn() ? "kretprobe" : "kprobe";
        int pmu = ProbePmus.type(kernel, "kprobe");
        Path events = pmu >= 0 ? null : kprobeEvents(kernel);
        if (pmu < 0 && events == null) {
            throw noKprobes(kind, fn.function());
        }
        if (options.maxActive() != 0 && (!fn.isReturn() || pmu >= 0)) {
            throw new IllegalArgumentException("maxActive " + options.maxActive() + " for " + fn + ": only kretprobes "
                    + "attached through tracefs kprobe_events take it (this kernel has the kprobe PMU, which does not)");
        }
        String symbol = KernelFunctions.resolve(kernel, fn.function());
        String at = kind + " " + symbol + (fn.offset() > 0 ? "+0x" + Long.toHexString(fn.offset()) : "");
        if (pmu >= 0) {
            String attachedTo = at + " (kprobe PMU)";
            String description = attachedTo + " <- " + prog;
            long config = fn.isReturn() ? 1L << ProbePmus.retprobeBit(kernel, "kprobe") : 0;
            int pfd;
            try {
                pfd = kernel.perfEventOpen(new Kernel.PerfEventAttr(pmu, config, 1, 0, 0, 1, symbol, 0, fn.offset()), -1, 0,
                        -1, Kernel.PERF_FLAG_FD_CLOEXEC);
            } catch (BpfException e) {
                throw new BpfException("perf_event_open (" + kind + " " + symbol + ")", e.errno(),
                        e.errno() == Errno.ENOENT || e.errno() == Errno.EINVAL ? KernelFunctions.diagnose(kernel, symbol)
                                : e.hint(), e);
            }
            Attached a = attach(kernel, prog.fd(), new int[] {pfd}, options.cookie(), description, null);
            return new KprobeLink(kernel, a, fn, attachedTo, symbol, description, null);
        }
        return viaTracefs(prog, events, fn, symbol, options, at);
    }

    /** {@code <tracefs>/kprobe_events}, or null when tracefs has none (or cannot be mounted). */
    private static Path kprobeEvents(Kernel kernel) {
        try {
            Path p = Tracefs.root(kernel).resolve("kprobe_events");
            return kernel.pathKind(p) == Kernel.PathKind.FILE ? p : null;
        } catch (BpfException e) {
            LOG.debug("no tracefs for the kprobe_events fallback: {}", e.getMessage());
            return null;
        }
    }

    private static KprobeLink viaTracefs(BpfProgram prog, Path events, AttachPoint.KernelFunction fn, String symbol,
                                         Options options, String at) {
        Kernel kernel = prog.kernel();
        removeStaleEvents(kernel, events);
        String event = "bpf4j_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        String probe = (fn.isReturn() ? "r" + (options.maxActive() > 0 ? options.maxActive() : "") : "p") + ":bpf4j/" + event
                + " " + symbol + (fn.offset() > 0 ? "+" + fn.offset() : "") + "\n";
        try {
            kernel.appendFile(events, probe);
        } catch (IOException e) {
            throw new BpfException("write " + events, Errno.EINVAL, KernelFunctions.diagnose(kernel, symbol)
                    + " (the kernel refused '" + probe.trim() + "': " + e.getMessage() + ")", e);
        }
        Runnable remove = () -> {
            try {
                kernel.appendFile(events, "-:bpf4j/" + event + "\n");
            } catch (IOException e) {
                LOG.warn("could not remove kprobe event bpf4j/{}: {}", event, e.getMessage());
            }
        };
        int id;
        try {
            id = Integer.parseInt(kernel.readFile(events.getParent().resolve("events/bpf4j").resolve(event).resolve("id"))
                    .trim());
        } catch (IOException | NumberFormatException e) {
            remove.run();
            throw new BpfException("kprobe " + symbol, Errno.ENOENT, "the probe was written to " + events
                    + " but its id is unreadable", e);
        }
        String attachedTo = at + " (tracefs kprobe_events, event bpf4j/" + event + ")";
        String description = attachedTo + " <- " + prog;
        int pfd = TracepointLink.openEvent(kernel, id, description, remove);
        Attached a = attach(kernel, prog.fd(), new int[] {pfd}, options.cookie(), description, remove);
        return new KprobeLink(kernel, a, fn, attachedTo, symbol, description, remove);
    }

    /**
     * Removes the {@code bpf4j/bpf4j_<pid>_<n>} probes of processes that no longer run (a tool
     * killed with SIGKILL cannot remove its own); probes of live processes are left alone.
     */
    static void removeStaleEvents(Kernel kernel, Path events) {
        String text;
        try {
            text = kernel.readFile(events);
        } catch (IOException e) {
            return;
        }
        Matcher m = OWN_EVENT.matcher(text);
        while (m.find()) {
            long pid = Long.parseLong(m.group(2));
            if (pid == ProcessHandle.current().pid() || kernel.pathKind(Path.of("/proc", m.group(2))) != Kernel.PathKind.MISSING) {
                continue;
            }
            try {
                kernel.appendFile(events, "-:bpf4j/" + m.group(1) + "\n");
                LOG.info("removed kprobe event bpf4j/{} left by process {}, which no longer runs", m.group(1), pid);
            } catch (IOException e) {
                LOG.debug("could not remove stale kprobe event bpf4j/{}: {}", m.group(1), e.getMessage());
            }
        }
    }

    /** The one-line error for a kernel without kprobes, with the tracepoint to use instead. */
    static BpfException noKprobes(String kind, String function) {
        return new BpfException(kind + " " + function, Errno.EOPNOTSUPP,
                "this kernel has no kprobes (CONFIG_KPROBES is off: no kprobe PMU in " + ProbePmus.PMUS
                        + " and no tracefs kprobe_events); use a tracepoint instead: " + alternative(function));
    }

    /** A tracepoint that observes what {@code function} does, as a hint. */
    static String alternative(String function) {
        String f = function;
        for (String prefix : new String[] {"__x64_sys_", "__arm64_sys_", "__ia32_sys_", "__se_sys_", "__do_sys_", "ksys_",
            "sys_"}) {
            if (f.startsWith(prefix)) {
                String sc = f.substring(prefix.length());
                return "AttachPoint.tracepoint(\"syscalls\", \"sys_enter_" + sc + "\") (and sys_exit_" + sc + ")";
            }
        }
        if (f.contains("execve") || f.equals("do_execveat_common") || f.equals("bprm_execve")) {
            return "AttachPoint.tracepoint(\"sched\", \"sched_process_exec\") or (\"syscalls\", \"sys_enter_execve\")";
        }
        if (f.equals("do_exit") || f.equals("do_group_exit")) {
            return "AttachPoint.tracepoint(\"sched\", \"sched_process_exit\")";
        }
        if (f.equals("kernel_clone") || f.equals("_do_fork") || f.equals("wake_up_new_task") || f.equals("copy_process")) {
            return "AttachPoint.tracepoint(\"sched\", \"sched_process_fork\")";
        }
        if (f.startsWith("do_sys_open") || f.equals("do_filp_open")) {
            return "AttachPoint.tracepoint(\"syscalls\", \"sys_enter_openat\")";
        }
        return "pick one from <tracefs>/available_events (e.g. \"syscalls\"/\"sys_enter_<name>\", \"sched\"/...), or "
                + "AttachPoint.rawTracepoint(...)";
    }
}
