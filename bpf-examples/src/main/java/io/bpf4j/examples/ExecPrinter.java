package io.bpf4j.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Prints {@link ExecEvent}s as execsnoop does: a live table, or one JSON object per line. Every
 * field from the traced system is escaped in the table ({@link TerminalText}); JSON escapes it.
 *
 * <pre>{@code
 * ExecPrinter p = ExecPrinter.table(out, false, false);
 * p.header();
 * p.print(event);       // 08:31:02.123 4242    4200    0     ls               /usr/bin/ls
 * }</pre>
 */
public abstract class ExecPrinter {
    private static final JsonFactory JSON = new JsonFactory();

    final PrintWriter out;
    final boolean latency;
    final boolean args;

    ExecPrinter(PrintWriter out, boolean latency, boolean args) {
        this.out = out;
        this.latency = latency;
        this.args = args;
    }

    /** The table: {@code TIME PID PPID UID COMM [LAT(ms) RET] FILENAME [ARGS]}. */
    public static ExecPrinter table(PrintWriter out, boolean latency, boolean args) {
        return new Table(out, latency, args);
    }

    /** JSON lines: {@code {"time":…,"pid":…,"ppid":…,"uid":…,"comm":…,"filename":…}}. */
    public static ExecPrinter json(PrintWriter out, boolean latency, boolean args) {
        return new Json(out, latency, args);
    }

    /** Prints the column header (nothing for JSON). */
    public abstract void header();

    /** Prints one event. */
    public abstract void print(ExecEvent e);

    /** Flushes what was printed, once per batch of events. */
    public void flush() {
        out.flush();
    }

    private static final class Table extends ExecPrinter {
        private static final DateTimeFormatter CLOCK =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
        // bpf_ktime_get_ns counts CLOCK_MONOTONIC, as System.nanoTime does on Linux: the
        // difference to the wall clock, taken once, turns event times into clock times.
        private final long wallMinusMonotonicNs =
                System.currentTimeMillis() * 1_000_000L - System.nanoTime();

        Table(PrintWriter out, boolean latency, boolean args) {
            super(out, latency, args);
        }

        @Override
        public void header() {
            out.print(String.format("%-12s %-7s %-7s %-5s %-16s ", "TIME", "PID", "PPID", "UID", "COMM"));
            if (latency) {
                out.print(String.format("%9s %-4s ", "LAT(ms)", "RET"));
            }
            out.println(args ? "FILENAME ARGS" : "FILENAME");
            out.flush();
        }

        @Override
        public void print(ExecEvent e) {
            String time = CLOCK.format(Instant.ofEpochMilli((e.time() + wallMinusMonotonicNs) / 1_000_000L));
            // comm, filename and args are whatever the exec'ing user chose: escaped, they can
            // neither forge a row nor drive the terminal.
            out.print(String.format("%-12s %-7d %-7d %-5d %-16s ", time, e.pid(), e.ppid(),
                    Integer.toUnsignedLong(e.uid()), TerminalText.escape(e.comm())));
            if (latency) {
                out.print(String.format("%9.3f %-4d ", e.latencyNs() / 1e6, e.ret()));
            }
            out.print(TerminalText.escape(e.filename()));
            if (args) {
                for (String a : e.args()) {
                    out.print(' ');
                    out.print(TerminalText.escape(a));
                }
            }
            out.println();
        }
    }

    private static final class Json extends ExecPrinter {
        Json(PrintWriter out, boolean latency, boolean args) {
            super(out, latency, args);
        }

        @Override
        public void header() {
            // JSON lines carry their own keys.
        }

        @Override
        public void print(ExecEvent e) {
            try (JsonGenerator g = JSON.createGenerator(out)) {
                // The generator must not close the tool's stdout along with itself.
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                g.writeStartObject();
                g.writeNumberField("time", e.time());
                g.writeNumberField("pid", e.pid());
                g.writeNumberField("ppid", e.ppid());
                g.writeNumberField("uid", Integer.toUnsignedLong(e.uid()));
                g.writeStringField("comm", e.comm());
                g.writeStringField("filename", e.filename());
                if (args) {
                    g.writeArrayFieldStart("args");
                    for (String a : e.args()) {
                        g.writeString(a);
                    }
                    g.writeEndArray();
                }
                if (latency) {
                    g.writeNumberField("latency_ns", e.latencyNs());
                    g.writeNumberField("ret", e.ret());
                }
                g.writeEndObject();
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
            out.println();
        }
    }
}
