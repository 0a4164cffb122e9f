package io.bpf4j.examples.profile;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.examples.ToolSession;
import io.bpf4j.syscall.Cpus;
import io.bpf4j.syscall.Privileges;
import io.bpf4j.syscall.symbols.JavaSymbols;
import io.bpf4j.syscall.symbols.SymbolSources;
import io.bpf4j.syscall.symbols.Symbolizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j profile}: a sampling CPU profiler. A {@code PERF_EVENT} program runs on a
 * cpu-clock perf event on every online CPU; it counts (process, user stack, kernel stack,
 * thread name) in BPF maps. At the end the stacks are named (kernel, native, and Java through
 * the JVM's perf map) and printed as a top-N table, folded stacks or an SVG flame graph.
 *
 * <pre>{@code
 * ./bpf4j profile -p 4242 --duration 10                 # hottest functions of one process
 * ./bpf4j profile -F 99 --duration 30 -o cpu.svg        # the whole machine as a flame graph
 * ./bpf4j profile -p 4242 --duration 10 --folded > out.folded
 * }</pre>
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample stacks on every CPU with perf events and BPF. Prints the hottest",
            "functions (default), folded stacks (--folded) or an interactive SVG flame",
            "graph (-o FILE.svg). 'Sampling ... Hit Ctrl-C to end.' on stderr once",
            "attached; a summary (samples, lost stacks, stack map fill) at the end.",
            "",
            "Java: each JVM profiled is asked for its perf map (jcmd PID Compiler.perfmap,",
            "JDK 17+) to name JIT-compiled methods. Run the JVM with",
            "-XX:+PreserveFramePointer for whole Java stacks; without it only the leaf",
            "Java frame is named reliably, and a warning says so. Inlined methods are not",
            "in a perf map: their samples go to the method they were inlined into.",
            ""},
        footer = {"", "Folded frames carry suffixes: _[k] kernel, _[j] Java (JIT), _[i] interpreter,",
            "_[s] JVM stub."})
public final class ProfileCommand implements Callable<Integer> {
    /** The readiness line's end (the tests wait for it). */
    public static final String READY_SUFFIX = "Hit Ctrl-C to end.";
    /** JVMs asked for a perf map in a system-wide profile: those with at least this share of the samples. */
    private static final double JVM_SHARE = 0.01;
    private static final int MAX_JVMS = 16;

    @Spec
    CommandSpec spec;

    @Option(names = {"-F", "--frequency"}, paramLabel = "HZ", description = "Samples per second on each CPU (default 49).")
    Long frequency;

    @Option(names = {"-c", "--period"}, paramLabel = "NANOS", description = "Sample every NANOS of CPU time instead of -F.")
    Long period;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Only this process.")
    Integer pid;

    @Option(names = "--tid", paramLabel = "TID", description = "Only this thread.")
    Integer tid;

    @Option(names = {"-U", "--user-stacks-only"}, description = "Only user stacks (no kernel frames).")
    boolean userOnly;

    @Option(names = {"-K", "--kernel-stacks-only"}, description = "Only kernel stacks (no user frames).")
    boolean kernelOnly;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: Ctrl-C).")
    Double durationSeconds;

    @Option(names = "--folded", description = "Print folded stacks (comm;outer;...;leaf COUNT) on stdout.")
    boolean folded;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.svg", description = "Write an interactive SVG flame graph.")
    Path output;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
            description = "Rows of the hottest-functions table (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--no-jcmd", description = "Do not ask JVMs for a perf map; use an existing /tmp/perf-PID.map only.")
    boolean noJcmd;

    private volatile ToolSession session;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AttachPoint.PerfEvent event = validate();
        Optional<String> missing = Privileges.missingForTracing();
        if (missing.isPresent()) {
            err.println("bpf4j profile: " + missing.get());
            err.flush();
            return 1;
        }
        Sampler.Result result;
        long started;
        long stopped;
        int cpus = Cpus.online().length;
        try (ToolSession s = ToolSession.start(durationOf(durationSeconds))) {
            session = s;
            try (Sampler sampler = Sampler.start(event, new ProfilePrograms.Filter(pid == null ? 0 : pid, tid == null ? 0 : tid),
                    !kernelOnly, !userOnly)) {
                err.println("Sampling " + rate(event) + " on " + cpus + " CPUs" + (pid != null ? ", process " + pid : "")
                        + (tid != null ? ", thread " + tid : "") + "... " + READY_SUFFIX);
                err.flush();
                started = System.nanoTime();
                s.startClock();
                while (s.running()) {
                    Thread.sleep(Math.max(1, s.pollTimeout(Duration.ofMillis(100)).toMillis()));
                }
                sampler.stop();
                stopped = System.nanoTime();
                result = sampler.read();
            }
            report(result, out, err, event, cpus, (stopped - started) / 1e9);
        } finally {
            session = null;
        }
        return 0;
    }

    private void report(Sampler.Result result, PrintWriter out, PrintWriter err, AttachPoint.PerfEvent event, int cpus, double seconds)
            throws IOException {
        Symbolizer symbolizer = new Symbolizer(SymbolSources.system());
        if (pid != null && !Files.isDirectory(Path.of("/proc/" + pid))) {
            err.println("bpf4j profile: process " + pid + " exited before its stacks were named: user frames show as "
                    + "[unknown] (keep the target running until the profile ends)");
        }
        if (!kernelOnly) {
            askJvms(result.samples(), symbolizer, err);
        }
        if (!userOnly && symbolizer.kernelSymbols().restricted()) {
            err.println("bpf4j profile: /proc/kallsyms shows no addresses (kernel.kptr_restrict): kernel frames stay "
                    + "unnamed; run as root or set sysctl kernel.kptr_restrict=0");
        }
        FoldedStacks stacks = FoldedStacks.of(result.samples(), symbolizer);
        if (folded) {
            stacks.print(out);
        }
        if (output != null) {
            String title = "bpf4j profile" + (pid != null ? " -p " + pid : "") + ", " + rate(event) + ", "
                    + String.format(Locale.ROOT, "%.1f s", seconds) + ", " + stacks.total() + " samples";
            Files.writeString(output, FlameGraph.render(stacks, title), StandardCharsets.UTF_8);
        }
        if (!folded && output == null) {
            TopTable.of(stacks).print(out, top);
        }
        long lostUser = result.stat(ProfilePrograms.USER_EEXIST);
        long lostKernel = result.stat(ProfilePrograms.KERNEL_EEXIST);
        long enomem = result.stat(ProfilePrograms.ENOMEM);
        err.println(String.format(Locale.ROOT, "profile: %d samples in %.1f s on %d CPUs, %d distinct stacks%s; "
                        + "stacks lost: %d user + %d kernel (stack map collisions, -EEXIST), %d -ENOMEM; "
                        + "%d samples dropped (counts map full); stack map %d of %d ids used (%.1f%%)",
                result.stat(ProfilePrograms.SAMPLES), seconds, cpus, stacks.counts().size(),
                output != null ? "; flame graph in " + output : "", lostUser, lostKernel, enomem,
                result.stat(ProfilePrograms.COUNTS_FULL), result.stackIds(), Sampler.STACK_ENTRIES,
                100.0 * result.stackIds() / Sampler.STACK_ENTRIES));
        err.flush();
    }

    /** Asks the JVMs that matter for a perf map, and warns about what cannot be named. */
    void askJvms(List<StackSample> samples, Symbolizer symbolizer, PrintWriter err) {
        Map<Integer, Long> perPid = new HashMap<>();
        long total = 0;
        for (StackSample s : samples) {
            perPid.merge(s.pid(), s.count(), Long::sum);
            total += s.count();
        }
        List<Integer> jvms = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : perPid.entrySet()) {
            if ((pid != null || e.getValue() >= JVM_SHARE * total) && symbolizer.isJvm(e.getKey())) {
                jvms.add(e.getKey());
            }
        }
        jvms.sort((a, b) -> Long.compare(perPid.get(b), perPid.get(a)));
        if (noJcmd) {
            return;
        }
        for (int jvm : jvms.subList(0, Math.min(MAX_JVMS, jvms.size()))) {
            JavaSymbols j = symbolizer.javaPerfMap(jvm);
            if (j.problem() != null) {
                err.println("bpf4j profile: " + j.problem());
            }
            if (Boolean.FALSE.equals(j.preserveFramePointer())) {
                err.println("bpf4j profile: JVM " + jvm + " runs without -XX:+PreserveFramePointer: Java stacks stop "
                        + "after the leaf frame; restart it with -XX:+PreserveFramePointer for whole Java stacks");
            }
        }
        err.flush();
    }

    private AttachPoint.PerfEvent validate() {
        if (frequency != null && period != null) {
            throw new ParameterException(spec.commandLine(), "give -F HZ or -c PERIOD, not both");
        }
        if (userOnly && kernelOnly) {
            throw new ParameterException(spec.commandLine(), "-U (user stacks only) and -K (kernel stacks only) exclude each other");
        }
        if (frequency != null && (frequency <= 0 || frequency > 100_000)) {
            throw new ParameterException(spec.commandLine(), "-F " + frequency + ": expected 1..100000 Hz");
        }
        if (period != null && period < 10_000) {
            throw new ParameterException(spec.commandLine(), "-c " + period + ": expected at least 10000 ns");
        }
        if (top <= 0) {
            throw new ParameterException(spec.commandLine(), "--top " + top + ": expected > 0");
        }
        if (durationSeconds != null && !(durationSeconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--duration " + durationSeconds + ": expected > 0");
        }
        if (pid != null && (pid <= 0 || !Files.isDirectory(Path.of("/proc/" + pid)))) {
            throw new ParameterException(spec.commandLine(), "-p " + pid + ": no such process");
        }
        if (tid != null && (tid <= 0 || !Files.isDirectory(Path.of("/proc/" + tid)))) {
            throw new ParameterException(spec.commandLine(), "--tid " + tid + ": no such thread");
        }
        return period != null ? AttachPoint.cpuClockPeriod(period)
                : AttachPoint.cpuClock(frequency == null ? 49 : frequency);
    }

    private static String rate(AttachPoint.PerfEvent event) {
        return event.frequency() ? event.periodOrFrequency() + " Hz" : "every " + event.periodOrFrequency() + " ns";
    }

    private static Duration durationOf(Double seconds) {
        return seconds == null ? null : Duration.ofNanos((long) (seconds * 1e9));
    }

    /** Ends a run started by {@link #call()} from another thread, as Ctrl-C would. */
    public void stop() {
        ToolSession s = session;
        if (s != null) {
            s.stop();
        }
    }
}
