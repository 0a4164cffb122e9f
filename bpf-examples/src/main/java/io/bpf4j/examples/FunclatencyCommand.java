package io.bpf4j.examples;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.Privileges;
import io.bpf4j.syscall.UprobeLink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j funclatency}: how long a user-space function takes, as a log2 histogram. An
 * entry uprobe notes the time per thread, a return uprobe adds the elapsed time to a histogram
 * in a BPF map; this command prints the map every {@code --interval} and at the end.
 *
 * <pre>{@code
 * ./bpf4j funclatency --symbol libc:getaddrinfo
 * ./bpf4j funclatency --binary /usr/lib/x86_64-linux-gnu/libc.so.6 --symbol malloc --pid 4242 --interval 5
 * }</pre>
 */
@Command(name = "funclatency", mixinStandardHelpOptions = true,
        description = {"Time a user-space function with entry and return uprobes; print a log2 histogram.",
            "Prints 'Tracing <symbol>... Hit Ctrl-C to end.' on stderr once attached."})
public final class FunclatencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--binary", paramLabel = "PATH|LIB",
            description = "The executable or library: a path, or a library name such as libc.")
    String binary;

    @Option(names = "--symbol", required = true, paramLabel = "[LIB:]SYMBOL[@[@]VERSION]",
            description = "The function, e.g. getaddrinfo, libc:getaddrinfo or libc:memcpy@GLIBC_2.2.5.")
    String symbol;

    @Option(names = "--pid", paramLabel = "PID", description = "Only calls made by this process (running now).")
    Integer pid;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Also print (and reset) the histogram this often (seconds > 0).")
    Double intervalSeconds;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double durationSeconds;

    @Option(names = "--unit", paramLabel = "nsecs|usecs|msecs", defaultValue = "nsecs",
            description = "Histogram unit (default: ${DEFAULT-VALUE}).")
    FuncLatencyTracer.Unit unit;

    private volatile ToolSession session;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target target = target();
        Duration interval = CliValues.seconds("--interval", intervalSeconds);
        Duration duration = CliValues.seconds("--duration", durationSeconds);
        CliValues.runningPid("--pid", pid);
        Optional<String> missing = Privileges.missingForUprobes();
        if (missing.isPresent()) {
            err.println("bpf4j funclatency: " + missing.get());
            err.flush();
            return 1;
        }
        // A library name (libc) is found as the dynamic loader would; say which file that is.
        Path file = UprobeLink.resolve(AttachPoint.uprobe(target.binary(), target.symbol())).file();
        long calls = 0;
        try (ToolSession s = ToolSession.start(duration)) {
            session = s;
            try (FuncLatencyTracer tracer = FuncLatencyTracer.attach(file.toString(), target.symbol(), Optional.ofNullable(pid), unit)) {
                err.println("Tracing " + TerminalText.escape(target.symbol()) + " in " + TerminalText.escape(file.toString())
                        + "... Hit Ctrl-C to end.");
                err.flush();
                s.startClock();
                long nextPrint = interval == null ? Long.MAX_VALUE : System.nanoTime() + interval.toNanos();
                while (s.running()) {
                    long wait = Math.min(100_000_000L, Math.max(0, nextPrint - System.nanoTime()));
                    Thread.sleep(Math.max(1, s.pollTimeout(Duration.ofNanos(wait)).toMillis()));
                    if (System.nanoTime() - nextPrint >= 0) {
                        Log2Histogram h = tracer.takeHistogram();
                        calls += h.total();
                        print(out, h);
                        nextPrint += interval.toNanos();
                    }
                }
                Log2Histogram last = tracer.takeHistogram();
                calls += last.total();
                print(out, last);
            }
            err.println("funclatency: " + calls + (calls == 1 ? " call" : " calls") + " of "
                    + TerminalText.escape(target.symbol()) + " timed");
            err.flush();
        } finally {
            session = null;
        }
        return 0;
    }

    private void print(PrintWriter out, Log2Histogram h) {
        out.println();
        h.print(out, unit.label());
        if (h.total() > 0) {
            out.println("count: " + h.total());
        }
        out.flush();
    }

    /** Ends a run started by {@link #call()} from another thread, as Ctrl-C would. */
    public void stop() {
        ToolSession s = session;
        if (s != null) {
            s.stop();
        }
    }

    /** The binary and symbol from {@code --binary} and {@code --symbol [lib:]name}. */
    record Target(String binary, String symbol) {
    }

    Target target() {
        int colon = symbol.lastIndexOf(':');
        String lib = colon > 0 ? symbol.substring(0, colon) : null;
        String name = colon >= 0 ? symbol.substring(colon + 1) : symbol;
        if (name.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--symbol '" + symbol + "': the function name is missing");
        }
        if (lib != null && binary != null && !lib.equals(binary)) {
            throw new ParameterException(spec.commandLine(), "--symbol names library '" + lib
                    + "' but --binary says '" + binary + "': give one of them");
        }
        String bin = lib != null ? lib : binary;
        if (bin == null) {
            throw new ParameterException(spec.commandLine(),
                    "which binary? give --binary PATH|LIB or --symbol LIB:" + name);
        }
        return new Target(bin, name);
    }
}
