package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecPrinterTest {
    private static final ExecEvent LS = new ExecEvent(123_456_789_000L, 4242, 4200, 0, "ls", "/usr/bin/ls",
            List.of("ls", "-l", "say \"hi\""), 1_500_000L, -2);

    @Test
    void jsonLineHasTheDocumentedKeysAndEscapes() {
        StringWriter s = new StringWriter();
        ExecPrinter p = ExecPrinter.json(new PrintWriter(s), false, true);
        p.header();
        p.print(LS);
        p.flush();
        String line = s.toString();
        assertTrue(line.endsWith("\n"), line);
        assertEquals(1, line.split("\n").length);
        Map<String, Object> o = JsonLines.parse(line.trim());
        assertEquals(List.of("time", "timestamp", "pid", "ppid", "uid", "comm", "pcomm", "filename", "args",
                "args_truncated"), List.copyOf(o.keySet()));
        assertEquals(123_456_789_000L, o.get("time"));
        assertEquals(4242L, o.get("pid"));
        assertEquals("/usr/bin/ls", o.get("filename"));
        assertEquals(List.of("ls", "-l", "say \"hi\""), o.get("args"));
    }

    @Test
    void jsonWithLatencyAddsDurationAndReturnValue() {
        StringWriter s = new StringWriter();
        ExecPrinter.json(new PrintWriter(s), true, false).print(LS);
        Map<String, Object> o = JsonLines.parse(s.toString().trim());
        assertEquals(1_500_000L, o.get("latency_ns"));
        assertEquals(-2L, o.get("ret"));
        assertFalse(o.containsKey("args"));
    }

    @Test
    void tableHasExecsnoopColumnsAndOneLinePerEvent() {
        StringWriter s = new StringWriter();
        ExecPrinter p = ExecPrinter.table(new PrintWriter(s), false, false);
        p.header();
        p.print(LS);
        String[] lines = s.toString().split("\n");
        assertEquals(List.of("TIME", "PID", "PPID", "UID", "COMM", "FILENAME"), List.of(lines[0].trim().split(" +")));
        String[] cols = lines[1].trim().split(" +");
        assertTrue(cols[0].matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d"), cols[0]);
        assertEquals(List.of("4242", "4200", "0", "ls", "/usr/bin/ls"), List.of(cols).subList(1, 6));
    }

    @Test
    void tableWithLatencyShowsMillisecondsAndReturnValue() {
        StringWriter s = new StringWriter();
        ExecPrinter p = ExecPrinter.table(new PrintWriter(s), true, false);
        p.header();
        p.print(LS);
        String[] lines = s.toString().split("\n");
        assertEquals(List.of("TIME", "PID", "PPID", "UID", "COMM", "LAT(ms)", "RET", "FILENAME"),
                List.of(lines[0].trim().split(" +")));
        assertEquals(List.of("1.500", "-2", "/usr/bin/ls"), List.of(lines[1].trim().split(" +")).subList(5, 8));
    }

    private static final ExecEvent MANY = new ExecEvent(123_456_789_000L, 77, 70, 1000, "echo", "/bin/echo",
            List.of("echo", "a", "say \"hi\"", "c", "d"), -1, 0, "bash", 4026531840L, false);

    private static List<String> lines(ExecPrinter.Format f, ExecEvent e) {
        StringWriter s = new StringWriter();
        ExecPrinter p = ExecPrinter.of(new PrintWriter(s), f);
        p.header();
        p.print(e);
        return List.of(s.toString().split("\n"));
    }

    @Test
    void maxArgsKeepsTheFirstNAndEndsWithTheCutMarker() {
        List<String> out = lines(ExecPrinter.Format.DEFAULT.args(true).maxArgs(3), MANY);
        assertTrue(out.get(1).endsWith("/bin/echo echo a say \"hi\" ..."), out.get(1));
        assertTrue(lines(ExecPrinter.Format.DEFAULT.args(true).maxArgs(5), MANY).get(1).endsWith(" d"),
                "exactly N arguments are not cut");
    }

    @Test
    void argumentsTheKernelCutEndWithTheMarkerInTableAndJson() {
        ExecEvent cut = new ExecEvent(1, 2, 3, 0, "echo", "/bin/echo", List.of("echo", "xxxx"), -1, 0, "sh", 1, true);
        assertTrue(lines(ExecPrinter.Format.DEFAULT.args(true), cut).get(1).endsWith("echo xxxx ..."));
        StringWriter s = new StringWriter();
        ExecPrinter.json(new PrintWriter(s), ExecPrinter.Format.DEFAULT.args(true)).print(cut);
        Map<String, Object> o = JsonLines.parse(s.toString().trim());
        assertEquals(List.of("echo", "xxxx"), o.get("args"));
        assertEquals(Boolean.TRUE, o.get("args_truncated"));
    }

    @Test
    void bccColumnsWithTimeQuotesAndMntnsLookLikeBccs() {
        List<String> out = lines(ExecPrinter.Format.DEFAULT.columns(ExecPrinter.Columns.BCC).args(true)
                .times(true, true).quote(true).extra(true, false), MANY);
        assertEquals(List.of("TIME", "TIME(s)", "MNTNS", "PCOMM", "PID", "PPID", "RET", "ARGS"),
                List.of(out.get(0).trim().split(" +")));
        String[] cols = out.get(1).trim().split(" +");
        assertTrue(cols[0].matches("\\d\\d:\\d\\d:\\d\\d"), cols[0]);
        assertEquals(List.of("4026531840", "echo", "77", "70", "0", "\"echo\"", "\"a\"", "\"say", "\\\"hi\\\"\""),
                List.of(cols).subList(2, 11));
    }

    @Test
    void ourColumnsShowParentCommandAndSecondsSinceStartWhenAsked() {
        List<String> out = lines(ExecPrinter.Format.DEFAULT.times(false, true).extra(true, true), MANY);
        assertEquals(List.of("TIME(s)", "PID", "PPID", "UID", "COMM", "PCOMM", "MNTNS", "FILENAME"),
                List.of(out.get(0).trim().split(" +")));
        String[] cols = out.get(1).trim().split(" +");
        assertTrue(cols[0].matches("\\d+\\.\\d{3}"), cols[0]);
        assertEquals(List.of("77", "70", "1000", "echo", "bash", "4026531840", "/bin/echo"), List.of(cols).subList(1, 8));
    }

    @Test
    void jsonHasAWallClockTimestampBesideTheMonotonicTime() {
        long now = System.nanoTime();
        ExecEvent e = new ExecEvent(now, 1, 1, 0, "x", "/x", List.of(), -1, 0);
        StringWriter s = new StringWriter();
        ExecPrinter.json(new PrintWriter(s), false, false).print(e);
        Map<String, Object> o = JsonLines.parse(s.toString().trim());
        java.time.Instant t = java.time.Instant.parse((String) o.get("timestamp"));
        assertTrue(Math.abs(java.time.Duration.between(java.time.Instant.now(), t).toMillis()) < 5_000, t.toString());
        assertEquals(now, o.get("time"));
    }

    @Test
    void tableEscapesControlCharactersInEveryFieldFromTheTracedSystem() {
        ExecEvent forged = new ExecEvent(1L, 7, 1, 1000, "x\u001b]0;pwn\u0007", "/tmp/esc\u001b[31mRED",
                List.of("/bin/true", "x\n09:09:09.999 1 0 0 cron /usr/sbin/cron FORGED", "tab\there", "back\\slash"),
                0, 0);
        StringWriter s = new StringWriter();
        ExecPrinter p = ExecPrinter.table(new PrintWriter(s), false, true);
        p.print(forged);
        String out = s.toString();
        assertEquals(1, out.split("\n").length, out);
        assertFalse(out.chars().anyMatch(c -> c < 0x20 && c != '\n'), "a raw control character in " + out);
        assertTrue(out.contains("x\\x1b]0;pwn\\x07"), out);
        assertTrue(out.contains("/tmp/esc\\x1b[31mRED"), out);
        assertTrue(out.contains("x\\n09:09:09.999 1 0 0 cron /usr/sbin/cron FORGED"), out);
        assertTrue(out.contains("tab\\there back\\\\slash"), out);
    }
}
