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
        assertEquals(List.of("time", "pid", "ppid", "uid", "comm", "filename", "args"), List.copyOf(o.keySet()));
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
