package io.bpf4j.examples;

import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Privileges;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
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
                    + "or auto: the kprobe where the kernel has kprobes (default: ${DEFAULT-VALUE}).")
    ExecTracer.Attach attach;

    @Option(names = "--uid", paramLabel = "UID", description = "Only execs by this user (filtered in the kernel).")
    Integer uid;

    @Option(names = "--latency", description = "Time each exec from entry to return and show what it returned "
            + "(failed execs included).")
    boolean latency;

    @Option(names = "--args", description = "Show the arguments as well (read once exec has succeeded,"
            + " so not with the kprobe alone).")
    boolean args;

    @Option(names = "--json", description = "One JSON object per line: time (ns, CLOCK_MONOTONIC), pid, ppid, "
            + "uid, comm, filename (and args, latency_ns, ret when asked).")
    boolean json;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double durationSeconds;

    private volatile ToolSession session;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (args && !latency && attach == ExecTracer.Attach.KPROBE) {
            throw new ParameterException(spec.commandLine(), "--args needs --attach tracepoint (or --latency):"
                    + " the kprobe fires before the new program's arguments exist");
        }
        CliValues.uid("--uid", uid);
        Duration duration = CliValues.seconds("--duration", durationSeconds);
        Optional<String> missing = Privileges.missingForTracing();
        if (missing.isPresent()) {
            err.println("bpf4j execsnoop: " + missing.get());
            err.flush();
            return 1;
        }
        ExecTracer.Config config = new ExecTracer.Config(attach, Optional.ofNullable(uid), latency, args);
        ExecPrinter printer = json ? ExecPrinter.json(out, latency, args) : ExecPrinter.table(out, latency, args);
        long seen = 0;
        long dropped;
        try (ToolSession s = ToolSession.start(duration)) {
            session = s;
            try (ExecTracer tracer = attach(config, err)) {
                printer.header();
                err.println(READY);
                err.flush();
                s.startClock();
                long[] count = {0};
                Consumer<ExecEvent> print = e -> {
                    printer.print(e);
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
