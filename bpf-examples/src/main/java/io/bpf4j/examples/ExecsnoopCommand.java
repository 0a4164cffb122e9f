package io.bpf4j.examples;

import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Privileges;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j execsnoop}: prints every exec on the machine as it happens, the tool that Lab 5.4
 * builds. The BPF side lives in {@link ExecTracer}; this class is the command line around it.
 *
 * <pre>{@code
 * ./bpf4j execsnoop                    # live table, Ctrl-C to end
 * ./bpf4j execsnoop --json --args      # one JSON object per exec
 * ./bpf4j execsnoop --uid 1000 --latency --duration 10
 * ./bpf4j execsnoop --columns bcc -T -x -q --max-args 5   # bcc's layout and flags
 * ./bpf4j execsnoop -n '^curl$' --metrics-port 9435        # and Prometheus counters on 127.0.0.1
 * ./bpf4j execsnoop --compiled --json  # the tracer written as a Java method (CompiledExecTracer)
 * }</pre>
 */
@Command(name = "execsnoop", mixinStandardHelpOptions = true,
        description = {"Trace exec() calls: pid, parent, user, command and file of every program started.",
            "Prints 'Tracing exec events... Hit Ctrl-C to end.' on stderr once attached."})
public final class ExecsnoopCommand implements Callable<Integer> {
    /** The line on stderr that tells a script the tracer is attached. */
    public static final String READY = "Tracing exec events... Hit Ctrl-C to end.";

    @Spec
    CommandSpec spec;

    @Option(names = "--attach", paramLabel = "kprobe|tracepoint|auto", defaultValue = "auto",
            description = "kprobe on do_execveat_common, the sched_process_exec tracepoint, "
                    + "or auto: the kprobe where the kernel has kprobes, except when -n or --metrics-port need the"
                    + " new program's name, which the entry kprobe cannot see yet (default: ${DEFAULT-VALUE}).")
    ExecTracer.Attach attach;

    @Option(names = {"-u", "--uid"}, paramLabel = "UID|USERNAME",
            description = "Only execs by this user, a number or a name from /etc/passwd (filtered in the kernel).")
    String uid;

    @Option(names = "--latency", description = "Time each exec from entry to return and show what it returned "
            + "(failed execs included).")
    boolean latency;

    @Option(names = {"-x", "--fails"}, description = "Only failed execs, with their return value (probed at exec's"
            + " return on every attach path, filtered in the kernel).")
    boolean failsOnly;

    @Option(names = "--args", description = "Show the arguments as well (read once exec has succeeded,"
            + " so not with the kprobe alone).")
    boolean args;

    @Option(names = "--max-args", paramLabel = "N",
            description = "Show at most N arguments (default 20, as bcc), then '...'; '...' also ends arguments the"
                    + " kernel cut to its " + ExecPrograms.ARGS_SIZE + "-byte buffer. Implies --args.")
    Integer maxArgs;

    @Option(names = {"-q", "--quote"}, description = "Put each argument in double quotes (inner quotes escaped)."
            + " Implies --args.")
    boolean quote;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "Only commands whose name matches this regular expression (searched in comm).")
    String name;

    @Option(names = {"-l", "--line"}, paramLabel = "TEXT",
            description = "Only execs whose arguments match this regular expression (searched in the"
                    + " space-separated arguments). Implies --args.")
    String line;

    @Option(names = {"-P", "--ppid"}, paramLabel = "PPID", description = "Only children of this process.")
    Integer ppid;

    @Option(names = "--cgroup", paramLabel = "PATH",
            description = "Only processes in this cgroup v2 directory, e.g. /sys/fs/cgroup/system.slice/x.service"
                    + " (its id compared with bpf_get_current_cgroup_id() in the kernel, as bcc's --cgroupmap).")
    java.nio.file.Path cgroup;

    @Option(names = "--mntns", description = "Show the mount namespace (inode number) of each process.")
    boolean mntns;

    @Option(names = "--pcomm", description = "Show the parent's command name (Lab 5.4 Challenge 3); JSON always has it.")
    boolean pcomm;

    @Option(names = {"-T", "--time"}, description = "Time of day column (HH:MM:SS); our layout always has one.")
    boolean timeOfDay;

    @Option(names = {"-t", "--timestamp"}, description = "Seconds since the tool started, as TIME(s).")
    boolean sinceStart;

    @Option(names = "--columns", paramLabel = "default|bcc", defaultValue = "default",
            description = "Table layout: ours (TIME PID PPID UID COMM FILENAME), or bcc's PCOMM PID PPID RET ARGS"
                    + " (PCOMM being the program's name there, as in bcc) for scripts written against bcc."
                    + " Default: ${DEFAULT-VALUE}.")
    ExecPrinter.Columns columns;

    @Option(names = "--json", description = "One JSON object per line: time (ns, CLOCK_MONOTONIC), timestamp"
            + " (wall clock, ISO-8601 UTC), pid, ppid, uid, comm, pcomm, filename (and mntns, args, args_truncated,"
            + " latency_ns, ret when asked).")
    boolean json;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double durationSeconds;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on"
            + " http://ADDRESS:PORT/metrics: bpf4j_execsnoop_execs_total by comm and uid.")
    Integer metricsPort;

    @Option(names = "--compiled", description = "Run the exec tracer written as a Java method and compiled to BPF by"
            + " bpf-compiler (CompiledExecTracer.onExec: reserve, fill in place, submit) instead of the DSL's programs."
            + " Same output; it attaches to sched/sched_process_exec, so " + COMPILED_REFUSES + " do not apply.")
    boolean compiledTracer;

    /** The options --compiled cannot honour, named in its help and in the error. */
    static final String COMPILED_REFUSES = "--attach kprobe, --latency, -x/--fails and the arguments"
            + " (--args, --max-args, -q, -l, --columns bcc)";

    @Option(names = "--metrics-address", paramLabel = "ADDRESS", defaultValue = MetricsEndpoint.LOCALHOST,
            description = "The address --metrics-port listens on (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    private volatile ToolSession session;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean showArgs = args || maxArgs != null || quote || line != null || columns == ExecPrinter.Columns.BCC;
        boolean probesReturn = latency || failsOnly;
        if (showArgs && !probesReturn && attach == ExecTracer.Attach.KPROBE) {
            throw new ParameterException(spec.commandLine(), "--args needs --attach tracepoint (or --latency):"
                    + " the kprobe fires before the new program's arguments exist");
        }
        if (compiledTracer) {
            List<String> refused = new ArrayList<>();
            if (attach == ExecTracer.Attach.KPROBE) {
                refused.add("--attach kprobe");
            }
            if (latency) {
                refused.add("--latency");
            }
            if (failsOnly) {
                refused.add("-x/--fails");
            }
            if (args || maxArgs != null || quote || line != null) {
                refused.add("--args (and --max-args, -q, -l, which show arguments)");
            }
            if (columns == ExecPrinter.Columns.BCC) {
                refused.add("--columns bcc (it shows arguments)");
            }
            if (!refused.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--compiled does not apply with " + String.join(", ", refused)
                        + ": the compiled tracer (CompiledExecTracer) attaches to sched/sched_process_exec and records"
                        + " neither latency, return values nor arguments; these options need execsnoop without --compiled");
            }
        }
        ExecFilter filter = ExecFilter.of(name, line, ppid);
        Optional<Integer> uidNumber = uid == null ? Optional.empty() : Optional.of(Users.uidOf(uid));
        OptionalLong cgroupId = OptionalLong.empty();
        if (cgroup != null) {
            try {
                cgroupId = OptionalLong.of(ExecTracer.cgroupId(cgroup));
            } catch (IllegalArgumentException e) {
                throw new CliValues.BadValue(e.getMessage());
            }
        }
        Duration duration = CliValues.seconds("--duration", durationSeconds);
        ExecPrinter.Format format;
        try {
            format = ExecPrinter.Format.DEFAULT.latency(probesReturn).args(showArgs).columns(columns)
                    .times(timeOfDay, sinceStart).quote(quote).maxArgs(maxArgs == null ? 20 : maxArgs)
                    .extra(mntns, pcomm);
        } catch (IllegalArgumentException e) {
            throw new CliValues.BadValue(e.getMessage());
        }
        Optional<String> missing = Privileges.missingForTracing();
        if (missing.isPresent()) {
            err.println("bpf4j execsnoop: " + missing.get());
            err.flush();
            return 1;
        }
        // The entry kprobe fires before exec replaces comm: a filter or a count by command name
        // needs a probe that runs after it (the tracepoint, or the return probe of --latency/-x).
        ExecTracer.Attach where = attach == ExecTracer.Attach.AUTO && !probesReturn
                && (name != null || metricsPort != null) ? ExecTracer.Attach.TRACEPOINT : attach;
        ExecTracer.Config config = new ExecTracer.Config(compiledTracer ? ExecTracer.Attach.TRACEPOINT : where, uidNumber, latency,
                showArgs, cgroupId, failsOnly, compiledTracer);
        ExecPrinter printer = json ? ExecPrinter.json(out, format) : ExecPrinter.of(out, format);
        long seen = 0;
        long dropped;
        try (ToolSession s = ToolSession.start(duration);
             MetricsEndpoint metrics = metricsPort == null ? null : MetricsEndpoint.start(metricsAddress, metricsPort)) {
            session = s;
            Counter execs = metrics == null ? null : Counter.builder().name("bpf4j_execsnoop_execs")
                    .help("Execs seen by bpf4j execsnoop (after its filters), by command name and user id")
                    .labelNames("comm", "uid").register(metrics.registry());
            try (ExecTracer tracer = attach(config, err)) {
                if (metrics != null) {
                    err.println("bpf4j execsnoop: Prometheus metrics on http://" + metricsAddress + ":" + metrics.port()
                            + "/metrics");
                }
                printer.header();
                err.println(READY);
                err.flush();
                s.startClock();
                long[] count = {0};
                Consumer<ExecEvent> print = e -> {
                    if (!filter.test(e)) {
                        return;
                    }
                    printer.print(e);
                    if (execs != null) {
                        execs.labelValues(e.comm(), Integer.toUnsignedString(e.uid())).inc();
                    }
                    count[0]++;
                };
                boolean stdoutGone = false;
                while (s.running() && !stdoutGone) {
                    tracer.poll(s.pollTimeout(Duration.ofMillis(100)), print);
                    printer.flush();
                    stdoutGone = stdoutGone(out);           // | head has exited: stop like Ctrl-C
                }
                if (!stdoutGone) {
                    // Events the kernel wrote before the deadline or the signal are still shown.
                    tracer.poll(Duration.ZERO, print);
                    printer.flush();
                }
                seen = count[0];
                dropped = tracer.dropped();
            }
            // The links are detached and the maps closed by now.
            err.println(summary(seen, dropped));
            err.flush();
        } finally {
            session = null;
        }
        return 0;
    }

    private ExecTracer attach(ExecTracer.Config config, PrintWriter err) {
        try {
            return ExecTracer.attach(config, notice -> {
                err.println("bpf4j execsnoop: " + notice);
                err.flush();
            });
        } catch (BpfException e) {
            if (config.attach() == ExecTracer.Attach.KPROBE && e.errno() == Errno.EOPNOTSUPP) {
                throw new IllegalStateException("this kernel has no kprobes (CONFIG_KPROBES is off):"
                        + " use --attach tracepoint, or auto", e);
            }
            throw e;
        }
    }

    /**
     * True once writing to stdout has failed (a closed pipe). picocli's writer wraps System.out,
     * a PrintStream that keeps write errors to itself, so both are asked.
     */
    static boolean stdoutGone(PrintWriter out) {
        return out.checkError() || System.out.checkError();
    }

    /** Ends a run started by {@link #call()} from another thread, as Ctrl-C would. */
    public void stop() {
        ToolSession s = session;
        if (s != null) {
            s.stop();
        }
    }

    static String summary(long seen, long dropped) {
        return "execsnoop: " + seen + (seen == 1 ? " event" : " events") + " seen, "
                + dropped + " dropped (ring buffer full)";
    }
}
