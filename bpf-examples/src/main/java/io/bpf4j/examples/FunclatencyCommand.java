package io.bpf4j.examples;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.KprobeLink;
import io.bpf4j.syscall.Privileges;
import io.bpf4j.syscall.UprobeLink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j funclatency}: how long a function takes, as a log2 histogram, bcc's funclatency
 * in Java. User-space functions go through entry and return uprobes, kernel functions through
 * kprobes and kretprobes; the return probe adds the elapsed time to a histogram in a BPF map, and
 * this command prints the map every {@code --interval} and at the end, with bcc's
 * {@code avg = … total = … count = …} line.
 *
 * <pre>{@code
 * ./bpf4j funclatency libc:getaddrinfo
 * ./bpf4j funclatency -p 4242 -i 5 -T libc:malloc
 * ./bpf4j funclatency -F 'libc:str*cmp'             # one histogram per matching function
 * ./bpf4j funclatency -F -r 'libc:^mem(cpy|set)$'   # the same with a regular expression
 * ./bpf4j funclatency vfs_read --metrics-port 9436  # a kernel function, and a Prometheus histogram
 * }</pre>
 */
@Command(name = "funclatency", mixinStandardHelpOptions = true,
        description = {"Time a function (user space: [LIB:]NAME through uprobes; kernel: NAME through kprobes);"
            + " print a log2 histogram.",
            "Prints 'Tracing <function> in <file>... Hit Ctrl-C to end.' (or 'Tracing <n> functions matching"
                + " <pattern> in <file>...') on stderr once attached."})
public final class FunclatencyCommand implements Callable<Integer> {
    /** More functions than this is refused: each one costs two programs and two probes. */
    static final int MAX_FUNCTIONS = 100;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN",
            description = "[LIB:]NAME: a function of a library or executable (libc:getaddrinfo, /usr/bin/bash:"
                    + "readline), or of the kernel without LIB (vfs_read). NAME may hold * and ? wildcards, or be"
                    + " a regular expression with -r. Same as --symbol.")
    String pattern;

    @Option(names = "--binary", paramLabel = "PATH|LIB",
            description = "The executable or library: a path, or a library name such as libc.")
    String binary;

    @Option(names = "--symbol", paramLabel = "[LIB:]SYMBOL[@[@]VERSION]",
            description = "The function, e.g. getaddrinfo, libc:getaddrinfo or libc:memcpy@GLIBC_2.2.5 (or give it"
                    + " as PATTERN).")
    String symbol;

    @Option(names = {"-r", "--regexp"}, description = "NAME is a regular expression matching whole function names.")
    boolean regexp;

    @Option(names = {"-F", "--function"}, description = "One histogram per function instead of one for all"
            + " functions matched.")
    boolean perFunction;

    @Option(names = {"-l", "--level"}, paramLabel = "LEVEL", defaultValue = "1",
            description = "Time nested (and recursive) calls down to this depth; deeper ones are not timed"
                    + " (1.." + FuncLatencyPrograms.MAX_LEVELS + ", default ${DEFAULT-VALUE}: the outermost call).")
    int levels;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Only calls made by this process (a uprobe"
            + " is attached to that process only; a kprobe filters in the kernel).")
    Integer pid;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS",
            description = "Also print (and reset) the histogram this often (seconds > 0).")
    Double intervalSeconds;

    @Option(names = {"-T", "--timestamp"}, description = "Print the time of day (HH:MM:SS) before each histogram.")
    boolean timestamp;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double durationSeconds;

    @Option(names = "--unit", paramLabel = "nsecs|usecs|msecs", defaultValue = "nsecs",
            description = "Histogram unit (default: ${DEFAULT-VALUE}).")
    FuncLatencyTracer.Unit unit;

    @Option(names = {"-u", "--microseconds"}, description = "Same as --unit usecs.")
    boolean microseconds;

    @Option(names = {"-m", "--milliseconds"}, description = "Same as --unit msecs.")
    boolean milliseconds;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on"
            + " http://ADDRESS:PORT/metrics: bpf4j_funclatency_seconds, a histogram with the log2 buckets"
            + " (le = 2^(i+1) units, in seconds), by function.")
    Integer metricsPort;

    @Option(names = "--metrics-address", paramLabel = "ADDRESS", defaultValue = MetricsEndpoint.LOCALHOST,
            description = "The address --metrics-port listens on (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    private volatile ToolSession session;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target target = target();
        FuncLatencyTracer.Unit u = milliseconds ? FuncLatencyTracer.Unit.MSECS
                : microseconds ? FuncLatencyTracer.Unit.USECS : unit;
        if (levels < 1 || levels > FuncLatencyPrograms.MAX_LEVELS) {
            throw new CliValues.BadValue("--level " + levels + ": expected 1.."
                    + FuncLatencyPrograms.MAX_LEVELS);
        }
        Duration interval = CliValues.seconds("--interval", intervalSeconds);
        Duration duration = CliValues.seconds("--duration", durationSeconds);
        CliValues.runningPid("--pid", pid);
        Optional<String> missing = Privileges.missingForUprobes();
        if (missing.isPresent()) {
            err.println("bpf4j funclatency: " + missing.get());
            err.flush();
            return 1;
        }
        Matched matched = match(target);
        long calls = 0;
        try (ToolSession s = ToolSession.start(duration);
             MetricsEndpoint metrics = metricsPort == null ? null : MetricsEndpoint.start(metricsAddress, metricsPort)) {
            session = s;
            try (FuncLatencyTracer tracer = FuncLatencyTracer.attach(matched.functions(), perFunction,
                    Optional.ofNullable(pid), u, levels)) {
                if (metrics != null) {
                    metrics.registry().register(new LatencyCollector(tracer, perFunction ? null : target.describe()));
                    err.println("bpf4j funclatency: Prometheus metrics on http://" + metricsAddress + ":"
                            + metrics.port() + "/metrics");
                }
                err.println("Tracing " + TerminalText.escape(matched.describe()) + "... Hit Ctrl-C to end.");
                err.flush();
                s.startClock();
                long nextPrint = interval == null ? Long.MAX_VALUE : System.nanoTime() + interval.toNanos();
                while (s.running()) {
                    long wait = Math.min(100_000_000L, Math.max(0, nextPrint - System.nanoTime()));
                    Thread.sleep(Math.max(1, s.pollTimeout(Duration.ofNanos(wait)).toMillis()));
                    if (System.nanoTime() - nextPrint >= 0) {
                        calls += print(out, tracer);
                        nextPrint += interval.toNanos();
                    }
                }
                calls += print(out, tracer);
            }
            err.println("funclatency: " + calls + (calls == 1 ? " call" : " calls") + " of "
                    + TerminalText.escape(target.symbol()) + " timed");
            err.flush();
        } finally {
            session = null;
        }
        return 0;
    }

    /** Prints the histograms counted since the last print; returns their calls. */
    private long print(PrintWriter out, FuncLatencyTracer tracer) {
        List<Log2Histogram> hs = tracer.takeHistograms();
        long calls = 0;
        out.println();
        if (timestamp) {
            out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME));
        }
        for (int i = 0; i < hs.size(); i++) {
            Log2Histogram h = hs.get(i);
            if (perFunction) {
                if (h.total() == 0 && hs.size() > 1) {
                    continue;                                  // bcc prints only functions that were called
                }
                out.println();
                out.println("Function = " + TerminalText.escape(tracer.functions().get(i).symbol()));
            }
            h.print(out, tracer.unit().label());
            if (h.total() > 0) {
                out.println();
                out.println(h.summary(tracer.unit().label()));
            }
            calls += h.total();
        }
        out.flush();
        return calls;
    }

    /** Ends a run started by {@link #call()} from another thread, as Ctrl-C would. */
    public void stop() {
        ToolSession s = session;
        if (s != null) {
            s.stop();
        }
    }

    /**
     * What the user asked for: the binary (null for the kernel) and the function name or pattern.
     *
     * @param binary the ELF file, or null for kernel functions
     * @param symbol the name, with wildcards or a regular expression
     */
    record Target(String binary, String symbol) {
        String describe() {
            return binary == null ? symbol : binary + ":" + symbol;
        }
    }

    /** The functions a target matched, and the file they are in (null: the kernel). */
    record Matched(List<FuncLatencyPrograms.Function> functions, String where, String asked) {
        String describe() {
            if (functions.size() == 1 && functions.get(0).symbol().equals(asked)) {
                return asked + " in " + where;
            }
            return functions.size() + (functions.size() == 1 ? " function" : " functions") + " matching " + asked
                    + " in " + where;
        }
    }

    Target target() {
        if (pattern != null && symbol != null) {
            throw new ParameterException(spec.commandLine(), "give the function once: as PATTERN or as --symbol");
        }
        String given = pattern != null ? pattern : symbol;
        if (given == null) {
            throw new ParameterException(spec.commandLine(), "which function? give [LIB:]NAME (e.g. libc:getaddrinfo,"
                    + " or vfs_read for a kernel function)");
        }
        int colon = given.lastIndexOf(':');
        String lib = colon > 0 ? given.substring(0, colon) : null;
        String name = colon >= 0 ? given.substring(colon + 1) : given;
        if (name.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "'" + given + "': the function name is missing");
        }
        if (lib != null && binary != null && !lib.equals(binary)) {
            throw new ParameterException(spec.commandLine(), "'" + given + "' names library '" + lib
                    + "' but --binary says '" + binary + "': give one of them");
        }
        return new Target(lib != null ? lib : binary, name);
    }

    /** The concrete functions of a target: itself, or those its wildcard or expression matches. */
    Matched match(Target t) {
        boolean wild = regexp || t.symbol().indexOf('*') >= 0 || t.symbol().indexOf('?') >= 0;
        if (!wild) {
            if (t.binary() == null) {
                return new Matched(List.of(FuncLatencyPrograms.Function.kernel(t.symbol())), "the kernel", t.symbol());
            }
            // A library name (libc) is found as the dynamic loader would; say which file that is.
            Path file = UprobeLink.resolve(AttachPoint.uprobe(t.binary(), t.symbol())).file();
            return new Matched(List.of(FuncLatencyPrograms.Function.user(file.toString(), t.symbol())),
                    file.toString(), t.symbol());
        }
        Pattern p;
        try {
            p = regexp ? Pattern.compile(t.symbol()) : wildcard(t.symbol());
        } catch (PatternSyntaxException e) {
            throw new CliValues.BadValue("'" + t.symbol() + "': not a regular expression: "
                    + e.getDescription());
        }
        List<String> names;
        String where;
        if (t.binary() == null) {
            names = KprobeLink.traceableFunctions();
            where = "the kernel";
        } else {
            UprobeLink.Functions fs = UprobeLink.functions(t.binary());
            names = fs.names();
            where = fs.file().toString();
        }
        List<FuncLatencyPrograms.Function> matched = new ArrayList<>();
        for (String n : names) {
            if (p.matcher(n).matches()) {
                matched.add(t.binary() == null ? FuncLatencyPrograms.Function.kernel(n)
                        : FuncLatencyPrograms.Function.user(where, n));
            }
        }
        if (matched.isEmpty()) {
            throw new CliValues.BadValue("no function of " + where + " (" + names.size()
                    + " listed) matches '" + t.symbol() + "'");
        }
        if (matched.size() > MAX_FUNCTIONS) {
            throw new CliValues.BadValue("'" + t.symbol() + "' matches " + matched.size()
                    + " functions of " + where + ": at most " + MAX_FUNCTIONS + " can be timed at once"
                    + " (two probes each); narrow the pattern");
        }
        return new Matched(matched, where, t.symbol());
    }

    /** {@code str*cmp} as a whole-name expression: {@code *} any run, {@code ?} one character. */
    static Pattern wildcard(String glob) {
        StringBuilder r = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                r.append(".*");
            } else if (c == '?') {
                r.append('.');
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(r.toString());
    }
}
