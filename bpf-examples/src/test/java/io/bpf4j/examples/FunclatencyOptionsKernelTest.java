package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * funclatency's bcc options on real calls: a library compiled here with three functions (two
 * that match {@code bpf4j_target_*}, one recursive), called a known number of times from this JVM.
 */
@KernelTest
class FunclatencyOptionsKernelTest {
    private static final String SOURCE = String.join("\n",
            "int bpf4j_target_a(int n) { volatile int s = 0; for (int i = 0; i < n; i++) s += i; return s; }",
            "int bpf4j_target_b(int n) { volatile int s = 0; for (int i = 0; i < n; i++) s += i; return s; }",
            "int bpf4j_other(int n) { return n; }",
            "__attribute__((noinline)) int bpf4j_recurse(int n) {",
            "    volatile int d = n;",
            "    return d <= 0 ? 0 : 1 + bpf4j_recurse(d - 1);",
            "}",
            "");
    private static final Pattern SUMMARY = Pattern.compile("avg = (\\d+) (\\w+), total: (\\d+) \\w+, count: (\\d+)");
    private static final String SELF = String.valueOf(ProcessHandle.current().pid());

    @TempDir
    Path dir;

    private Path compile() throws Exception {
        Path c = Files.writeString(dir.resolve("targets.c"), SOURCE);
        Path so = dir.resolve("libbpf4jtargets.so");
        Process gcc = new ProcessBuilder("gcc", "-O0", "-shared", "-fPIC", "-o", so.toString(), c.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed: " + out);
        return so;
    }

    private static void call(Path so, String name, int times, int arg) {
        Function f = NativeLibrary.getInstance(so.toString()).getFunction(name);
        for (int i = 0; i < times; i++) {
            f.invokeInt(new Object[] {arg});
        }
    }

    /** The counts of each summary line, in order. */
    private static List<Long> counts(List<String> out) {
        List<Long> counts = new ArrayList<>();
        for (String l : out) {
            Matcher m = SUMMARY.matcher(l);
            if (m.matches()) {
                counts.add(Long.parseLong(m.group(4)));
            }
        }
        return counts;
    }

    @Test
    void perFunctionHistogramsForAWildcard() throws Exception {
        Path so = compile();
        try (ToolRun run = ToolRun.start("funclatency", "-F", "-p", SELF, so + ":bpf4j_target_*")) {
            assertTrue(run.errLines().contains("Tracing 2 functions matching bpf4j_target_* in " + so
                    + "... Hit Ctrl-C to end."), run.errLines().toString());
            call(so, "bpf4j_target_a", 7, 10);
            call(so, "bpf4j_target_b", 3, 10);
            call(so, "bpf4j_other", 5, 10);
            run.stop();
            List<String> out = run.outLines();
            int a = out.indexOf("Function = bpf4j_target_a");
            int b = out.indexOf("Function = bpf4j_target_b");
            assertTrue(a >= 0 && b > a, String.join("\n", out));
            assertEquals(List.of(7L, 3L), counts(out), String.join("\n", out));
        }
    }

    @Test
    void regexpSelectsFunctionsAndOneHistogramAddsThemUp() throws Exception {
        Path so = compile();
        try (ToolRun run = ToolRun.start("funclatency", "-r", "-p", SELF, so + ":bpf4j_(target_a|other)")) {
            call(so, "bpf4j_target_a", 4, 10);
            call(so, "bpf4j_target_b", 3, 10);
            call(so, "bpf4j_other", 5, 10);
            run.stop();
            assertEquals(List.of(9L), counts(run.outLines()), String.join("\n", run.outLines()));
        }
    }

    @Test
    void summaryLineHasAverageTotalAndCountAsBccPrintsIt() throws Exception {
        Path so = compile();
        try (ToolRun run = ToolRun.start("funclatency", "-u", "-p", SELF, so + ":bpf4j_target_a")) {
            call(so, "bpf4j_target_a", 50, 100_000);
            run.stop();
            Matcher m = run.outLines().stream().map(SUMMARY::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError(run.outLines()));
            long avg = Long.parseLong(m.group(1));
            long total = Long.parseLong(m.group(3));
            assertEquals("usecs", m.group(2));
            assertEquals(50, Long.parseLong(m.group(4)));
            assertEquals(total / 50, avg);
            assertTrue(total > 0, m.group());
        }
    }

    @Test
    void levelTimesNestedCallsDownToThatDepth() throws Exception {
        Path so = compile();
        for (int level : new int[] {1, 2, 4}) {
            try (ToolRun run = ToolRun.start("funclatency", "-l", String.valueOf(level), "-p", SELF,
                    so + ":bpf4j_recurse")) {
                call(so, "bpf4j_recurse", 10, 3);           // depths 0..3 per call: rec(3) .. rec(0)
                run.stop();
                assertEquals(List.of(10L * level), counts(run.outLines()), "level " + level + ":\n"
                        + String.join("\n", run.outLines()));
            }
        }
    }

    @Test
    void intervalWithTimestampPrintsTheTimeBeforeEachHistogram() throws Exception {
        Path so = compile();
        try (ToolRun run = ToolRun.start("funclatency", "-i", "0.3", "-T", "-p", SELF, so + ":bpf4j_target_a")) {
            call(so, "bpf4j_target_a", 5, 10);
            run.awaitOut(l -> l.matches("\\d\\d:\\d\\d:\\d\\d"), Duration.ofSeconds(10));
            run.stop();
            List<String> out = run.outLines();
            long stamps = out.stream().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d")).count();
            assertTrue(stamps >= 2, String.join("\n", out));
            assertEquals(5L, counts(out).stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void aPatternMatchingThousandsIsRefusedWithTheCount() throws Exception {
        ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(60), "funclatency", "-F", "libc:*");
        assertEquals(2, run.exitCode());
        String err = run.errLines().get(0);
        assertTrue(err.matches("bpf4j funclatency: '\\*' matches \\d+ functions of .*libc\\.so\\.6: at most "
                + FunclatencyCommand.MAX_FUNCTIONS + " can be timed at once \\(two probes each\\); narrow the pattern"), err);
    }

    /** A kernel function through kprobe and kretprobe: where the kernel has kprobes (the 6.1 VM of .ci/vm). */
    @Test
    void kernelFunctionIsTimedThroughKprobes() throws Exception {
        boolean kprobes = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"));
        String fn = Architectures.current().syscallFunction("getppid");
        if (!kprobes) {
            ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(60), "funclatency", fn, "--duration", "0.1");
            assertEquals(1, run.exitCode());
            assertTrue(run.errLines().get(0).startsWith("bpf4j funclatency: "), run.errLines().toString());
            assertTrue(run.errLines().get(0).contains("kprobe"), run.errLines().toString());
            return;
        }
        Function getppid = NativeLibrary.getInstance("c").getFunction("getppid");
        try (ToolRun run = ToolRun.start("funclatency", "-p", SELF, fn)) {
            assertTrue(run.errLines().contains("Tracing " + fn + " in the kernel... Hit Ctrl-C to end."));
            for (int i = 0; i < 200; i++) {
                getppid.invokeInt(new Object[0]);
            }
            run.stop();
            long n = counts(run.outLines()).get(0);
            assertTrue(n >= 200 && n < 220, "this JVM's getppid calls, give or take its own: " + n);
        }
        // A wildcard over the kernel's traceable functions (available_filter_functions), one histogram
        // per function: vfs_rea? is vfs_read, which this JVM's file reads go through.
        Path file = Files.writeString(dir.resolve("small"), "x");
        try (ToolRun run = ToolRun.start("funclatency", "-F", "-p", SELF, "vfs_rea?")) {
            assertTrue(run.errLines().contains("Tracing 1 function matching vfs_rea? in the kernel... Hit Ctrl-C to end."),
                    run.errLines().toString());
            for (int i = 0; i < 50; i++) {
                Files.readAllBytes(file);
            }
            run.stop();
            int at = run.outLines().indexOf("Function = vfs_read");
            assertTrue(at >= 0, String.join("\n", run.outLines()));
            assertTrue(counts(run.outLines().subList(at, run.outLines().size())).get(0) >= 50,
                    String.join("\n", run.outLines()));
        }
    }
}
