package io.bpf4j.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints {@link ExecEvent}s as execsnoop does: a live table (ours, or bcc's
 * {@code PCOMM PID PPID RET ARGS}), or one JSON object per line. Every
 * field from the traced system is escaped in the table ({@link TerminalText}); JSON escapes it.
 *
 * <pre>{@code
 * ExecPrinter p = ExecPrinter.table(out, false, false);
 * p.header();
 * p.print(event);       // 08:31:02.123 4242    4200    0     ls               /usr/bin/ls
 * ExecPrinter bcc = ExecPrinter.of(out, ExecPrinter.Format.DEFAULT.columns(ExecPrinter.Columns.BCC).quote(true));
 * }</pre>
 */
public abstract class ExecPrinter {
    private static final JsonFactory JSON = new JsonFactory();
    /** What ends an argument list that was cut (by {@code --max-args} or the kernel's buffer). */
    public static final String CUT = "...";

    /** The table layouts of {@code --columns}. */
    public enum Columns {
        /** {@code TIME PID PPID UID COMM [PCOMM] [MNTNS] [LAT(ms) RET] FILENAME [ARGS]}. */
        DEFAULT,
        /** bcc's {@code [TIME] [TIME(s)] [MNTNS] PCOMM PID PPID RET ARGS}, PCOMM being the program's name there. */
        BCC
    }

    /**
     * How to print.
     *
     * @param latency the LAT(ms) and RET columns ({@code --latency}, {@code -x})
     * @param args the argument strings
     * @param columns the table layout
     * @param timeOfDay bcc layout: a {@code TIME} column, {@code HH:MM:SS} ({@code -T})
     * @param sinceStart a {@code TIME(s)} column, seconds since the tool started ({@code -t}); in our
     *     layout it replaces the time of day
     * @param quote each argument in double quotes, inner quotes escaped ({@code -q})
     * @param maxArgs at most this many arguments, then {@value #CUT} ({@code --max-args})
     * @param mntns a MNTNS column ({@code --mntns})
     * @param pcomm our layout: a PCOMM column, the parent's command ({@code --pcomm})
     */
    public record Format(boolean latency, boolean args, Columns columns, boolean timeOfDay, boolean sinceStart,
                         boolean quote, int maxArgs, boolean mntns, boolean pcomm) {
        /** Today's table: time of day, no arguments, 20 arguments at most when shown. */
        public static final Format DEFAULT = new Format(false, false, Columns.DEFAULT, false, false, false, 20,
                false, false);

        public Format {
            if (maxArgs < 1) {
                throw new IllegalArgumentException("--max-args " + maxArgs + ": expected at least 1");
            }
        }

        /** With the latency columns. */
        public Format latency(boolean on) {
            return new Format(on, args, columns, timeOfDay, sinceStart, quote, maxArgs, mntns, pcomm);
        }

        /** With the arguments. */
        public Format args(boolean on) {
            return new Format(latency, on, columns, timeOfDay, sinceStart, quote, maxArgs, mntns, pcomm);
        }

        /** In this layout. */
        public Format columns(Columns c) {
            return new Format(latency, args, c, timeOfDay, sinceStart, quote, maxArgs, mntns, pcomm);
        }

        /** With {@code -T} and {@code -t}. */
        public Format times(boolean timeOfDayOn, boolean sinceStartOn) {
            return new Format(latency, args, columns, timeOfDayOn, sinceStartOn, quote, maxArgs, mntns, pcomm);
        }

        /** With quoted arguments. */
        public Format quote(boolean on) {
            return new Format(latency, args, columns, timeOfDay, sinceStart, on, maxArgs, mntns, pcomm);
        }

        /** At most {@code n} arguments. */
        public Format maxArgs(int n) {
            return new Format(latency, args, columns, timeOfDay, sinceStart, quote, n, mntns, pcomm);
        }

        /** With the mount namespace and the parent's command. */
        public Format extra(boolean mntnsOn, boolean pcommOn) {
            return new Format(latency, args, columns, timeOfDay, sinceStart, quote, maxArgs, mntnsOn, pcommOn);
        }
    }

    final PrintWriter out;
    final Format format;
    // bpf_ktime_get_ns counts CLOCK_MONOTONIC, as System.nanoTime does on Linux: the difference
    // to the wall clock, taken once, turns event times into clock times.
    final long wallMinusMonotonicNs = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    /** When the tool started, for {@code -t}. */
    final long startNs = System.nanoTime();

    ExecPrinter(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    /** The table: {@code TIME PID PPID UID COMM [LAT(ms) RET] FILENAME [ARGS]}. */
    public static ExecPrinter table(PrintWriter out, boolean latency, boolean args) {
        return of(out, Format.DEFAULT.latency(latency).args(args));
    }

    /** JSON lines: {@code {"time":…,"timestamp":…,"pid":…,"ppid":…,"uid":…,"comm":…,"pcomm":…,"filename":…}}. */
    public static ExecPrinter json(PrintWriter out, boolean latency, boolean args) {
        return json(out, Format.DEFAULT.latency(latency).args(args));
    }

    /** A table in {@code format}. */
    public static ExecPrinter of(PrintWriter out, Format format) {
        return new Table(out, format);
    }

    /** JSON lines; of {@code format} only latency, args, maxArgs and mntns matter. */
    public static ExecPrinter json(PrintWriter out, Format format) {
        return new Json(out, format);
    }

    /** Prints the column header (nothing for JSON). */
    public abstract void header();

    /** Prints one event. */
    public abstract void print(ExecEvent e);

    /** Flushes what was printed, once per batch of events. */
    public void flush() {
        out.flush();
    }

    /** The event's wall-clock time. */
    Instant wallClock(ExecEvent e) {
        long ns = e.time() + wallMinusMonotonicNs;
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }

    /**
     * The arguments as shown: at most {@code maxArgs}, then {@value #CUT} if there were more or the
     * kernel cut them to its buffer.
     */
    static List<String> shownArgs(ExecEvent e, int maxArgs) {
        List<String> a = e.args();
        if (a.size() > maxArgs) {
            List<String> cut = new ArrayList<>(a.subList(0, maxArgs));
            cut.add(CUT);
            return cut;
        }
        if (e.argsCut()) {
            List<String> cut = new ArrayList<>(a);
            cut.add(CUT);
            return cut;
        }
        return a;
    }

    /** True when {@link #shownArgs} ends with the cut marker. */
    static boolean argsCut(ExecEvent e, int maxArgs) {
        return e.args().size() > maxArgs || e.argsCut();
    }

    /** {@code "say \"hi\""}: bcc's {@code -q}. */
    static String quoted(String arg) {
        return '"' + arg.replace("\"", "\\\"") + '"';
    }

    private static final class Table extends ExecPrinter {
        private static final DateTimeFormatter CLOCK =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
        private static final DateTimeFormatter BCC_CLOCK =
                DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

        Table(PrintWriter out, Format format) {
            super(out, format);
        }

        @Override
        public void header() {
            if (format.columns() == Columns.BCC) {
                if (format.timeOfDay()) {
                    out.print(String.format("%-9s", "TIME"));
                }
                if (format.sinceStart()) {
                    out.print(String.format("%-8s ", "TIME(s)"));
                }
                if (format.mntns()) {
                    out.print(String.format("%-10s ", "MNTNS"));
                }
                out.println(String.format("%-16s %-7s %-7s %3s %s", "PCOMM", "PID", "PPID", "RET", "ARGS"));
                out.flush();
                return;
            }
            out.print(String.format("%-12s %-7s %-7s %-5s %-16s ", format.sinceStart() ? "TIME(s)" : "TIME",
                    "PID", "PPID", "UID", "COMM"));
            if (format.pcomm()) {
                out.print(String.format("%-16s ", "PCOMM"));
            }
            if (format.mntns()) {
                out.print(String.format("%-10s ", "MNTNS"));
            }
            if (format.latency()) {
                out.print(String.format("%9s %-4s ", "LAT(ms)", "RET"));
            }
            out.println(format.args() ? "FILENAME ARGS" : "FILENAME");
            out.flush();
        }

        @Override
        public void print(ExecEvent e) {
            if (format.columns() == Columns.BCC) {
                if (format.timeOfDay()) {
                    out.print(String.format("%-9s", BCC_CLOCK.format(wallClock(e))));
                }
                if (format.sinceStart()) {
                    out.print(String.format("%-8.3f ", secondsSinceStart(e)));
                }
                if (format.mntns()) {
                    out.print(String.format("%-10d ", e.mntns()));
                }
                out.print(String.format("%-16s %-7d %-7d %3d ", TerminalText.escape(e.comm()), e.pid(), e.ppid(), e.ret()));
                out.println(argsText(e));
                return;
            }
            String time = format.sinceStart() ? String.format("%.3f", secondsSinceStart(e))
                    : CLOCK.format(wallClock(e));
            out.print(String.format("%-12s %-7d %-7d %-5d %-16s ", time, e.pid(), e.ppid(),
                    Integer.toUnsignedLong(e.uid()), TerminalText.escape(e.comm())));
            if (format.pcomm()) {
                out.print(String.format("%-16s ", TerminalText.escape(e.pcomm())));
            }
            if (format.mntns()) {
                out.print(String.format("%-10d ", e.mntns()));
            }
            if (format.latency()) {
                out.print(String.format("%9.3f %-4d ", e.latencyNs() / 1e6, e.ret()));
            }
            // comm, filename and args are whatever the exec'ing user chose: escaped, they can
            // neither forge a row nor drive the terminal.
            out.print(TerminalText.escape(e.filename()));
            if (format.args()) {
                out.print(' ');
                out.print(argsText(e));
            }
            out.println();
        }

        private double secondsSinceStart(ExecEvent e) {
            return Math.max(0, e.time() - startNs) / 1e9;
        }

        private String argsText(ExecEvent e) {
            List<String> shown = shownArgs(e, format.maxArgs());
            boolean cut = argsCut(e, format.maxArgs());
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < shown.size(); i++) {
                if (i > 0) {
                    s.append(' ');
                }
                boolean marker = cut && i == shown.size() - 1;
                String arg = marker ? shown.get(i) : TerminalText.escape(shown.get(i));
                s.append(format.quote() && !marker ? quoted(arg) : arg);
            }
            return s.toString();
        }
    }

    private static final class Json extends ExecPrinter {
        Json(PrintWriter out, Format format) {
            super(out, format);
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
                g.writeStringField("timestamp", wallClock(e).toString());
                g.writeNumberField("pid", e.pid());
                g.writeNumberField("ppid", e.ppid());
                g.writeNumberField("uid", Integer.toUnsignedLong(e.uid()));
                g.writeStringField("comm", e.comm());
                g.writeStringField("pcomm", e.pcomm());
                if (format.mntns()) {
                    g.writeNumberField("mntns", e.mntns());
                }
                g.writeStringField("filename", e.filename());
                if (format.args()) {
                    boolean cut = argsCut(e, format.maxArgs());
                    List<String> shown = shownArgs(e, format.maxArgs());
                    g.writeArrayFieldStart("args");
                    for (String a : cut ? shown.subList(0, shown.size() - 1) : shown) {
                        g.writeString(a);
                    }
                    g.writeEndArray();
                    g.writeBooleanField("args_truncated", cut);
                }
                if (format.latency()) {
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
