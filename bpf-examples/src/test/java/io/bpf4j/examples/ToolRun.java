package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * Runs one {@code ./bpf4j} subcommand in this JVM on its own thread, exactly as the launcher
 * would (same picocli command line), with stdout and stderr captured line by line.
 *
 * <pre>{@code
 * try (ToolRun run = ToolRun.start("execsnoop", "--json")) {   // returns once the tool is attached
 *     ... start processes ...
 *     String line = run.awaitOut(l -> l.contains("\"pid\":" + pid), Duration.ofSeconds(10));
 * }                                                             // stops it as Ctrl-C would
 * }</pre>
 */
final class ToolRun implements AutoCloseable {
    private static final Duration READY_WAIT = Duration.ofSeconds(60);

    private final CommandLine cl;
    private final LineQueue out = new LineQueue();
    private final LineQueue err = new LineQueue();
    private final List<String> outSeen = new ArrayList<>();
    private final List<String> errSeen = new ArrayList<>();
    private final Thread thread;
    private volatile int exitCode = Integer.MIN_VALUE;

    private ToolRun(String... args) {
        cl = Bpf4j.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        thread = new Thread(() -> exitCode = cl.execute(args), "tool-" + args[0]);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts the tool and waits for its readiness line on stderr ("... Hit Ctrl-C to end."). */
    static ToolRun start(String... args) throws InterruptedException {
        ToolRun run = new ToolRun(args);
        run.awaitErr(l -> l.endsWith("Hit Ctrl-C to end."), READY_WAIT);
        return run;
    }

    /** Runs the tool to its end (use with --duration) and returns it. */
    static ToolRun runToEnd(Duration max, String... args) throws InterruptedException {
        ToolRun run = new ToolRun(args);
        run.join(max);
        return run;
    }

    /** The first stdout line not yet taken that matches, waiting up to {@code max}. */
    String awaitOut(Predicate<String> want, Duration max) throws InterruptedException {
        return await(out, outSeen, want, max, "stdout");
    }

    /** The first stderr line not yet taken that matches, waiting up to {@code max}. */
    String awaitErr(Predicate<String> want, Duration max) throws InterruptedException {
        return await(err, errSeen, want, max, "stderr");
    }

    private String await(LineQueue q, List<String> seen, Predicate<String> want, Duration max, String what)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            String line = q.lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                if (System.nanoTime() - end >= 0 || !thread.isAlive() && q.lines.isEmpty()) {
                    fail("no matching line on " + what + " (tool " + (thread.isAlive() ? "running" : "exited with "
                            + exitCode) + ")\nstdout so far:\n" + String.join("\n", outSeen) + "\nstderr so far:\n"
                            + String.join("\n", errSeen) + "\n" + String.join("\n", err.lines));
                }
                continue;
            }
            seen.add(line);
            if (want.test(line)) {
                return line;
            }
        }
    }

    /** Stops the tool as Ctrl-C would and waits for it to finish. */
    void stop() throws InterruptedException {
        // picocli runs the very instances it keeps as subcommands: stop whichever is running.
        for (CommandLine sub : cl.getSubcommands().values()) {
            Object c = sub.getCommand();
            if (c instanceof ExecsnoopCommand) {
                ((ExecsnoopCommand) c).stop();
            } else if (c instanceof FunclatencyCommand) {
                ((FunclatencyCommand) c).stop();
            } else if (c instanceof io.bpf4j.examples.profile.ProfileCommand) {
                ((io.bpf4j.examples.profile.ProfileCommand) c).stop();
            }
        }
        join(Duration.ofSeconds(30));
    }

    private void join(Duration max) throws InterruptedException {
        thread.join(max.toMillis());
        if (thread.isAlive()) {
            fail("tool still running after " + max + "\nstderr:\n" + String.join("\n", errSeen));
        }
    }

    /** The exit code, once finished. */
    int exitCode() {
        return exitCode;
    }

    /** Every stdout line so far (taken or not), once the tool finished. */
    List<String> outLines() {
        List<String> all = new ArrayList<>(outSeen);
        out.lines.drainTo(all);
        outSeen.clear();
        outSeen.addAll(all);
        return List.copyOf(all);
    }

    /** Every stderr line so far. */
    List<String> errLines() {
        List<String> all = new ArrayList<>(errSeen);
        err.lines.drainTo(all);
        errSeen.clear();
        errSeen.addAll(all);
        return List.copyOf(all);
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close cannot throw it: try-with-resources would warn
                throw new AssertionError("interrupted while stopping the tool", e);
            }
        }
    }

    /** Makes the tool's writes to stdout block, as a stuck terminal or pipe would. */
    void pauseOut() {
        out.paused.drainPermits();
    }

    /** Lets the tool write to stdout again. */
    void resumeOut() {
        out.paused.release(Integer.MAX_VALUE / 2);
    }

    /** A writer that hands over complete lines. */
    private static final class LineQueue extends Writer {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final java.util.concurrent.Semaphore paused = new java.util.concurrent.Semaphore(Integer.MAX_VALUE / 2);
        private final StringBuilder partial = new StringBuilder();

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            paused.acquireUninterruptibly();
            paused.release();
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n') {
                    lines.add(partial.toString());
                    partial.setLength(0);
                } else if (c != '\r') {
                    partial.append(c);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
