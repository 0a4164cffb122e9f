package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * funclatency end to end: a tiny shared library compiled here with gcc, its function called a
 * known number of times from this JVM through JNA while the tool traces it.
 */
@KernelTest
class FunclatencyKernelTest {
    private static final int CALLS = 1000;
    /** The library's source: one function that does a little work, so calls take some time. */
    private static final String SOURCE = String.join("\n",
            "int bpf4j_target(int n) {",
            "    volatile int s = 0;",
            "    for (int i = 0; i < n; i++) s += i;",
            "    return s;",
            "}",
            "");

    @TempDir
    Path dir;

    private Path compile() throws Exception {
        Path c = Files.writeString(dir.resolve("target.c"), SOURCE);
        Path so = dir.resolve("libbpf4jtarget.so");
        Process gcc = new ProcessBuilder("gcc", "-O1", "-shared", "-fPIC", "-o", so.toString(), c.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed: " + out);
        return so;
    }

    @Test
    void histogramCountsEveryCallOfTheFunction() throws Exception {
        Path so = compile();
        Function target = NativeLibrary.getInstance(so.toString()).getFunction("bpf4j_target");
        String self = String.valueOf(ProcessHandle.current().pid());
        try (ToolRun run = ToolRun.start("funclatency", "--binary", so.toString(), "--symbol", "bpf4j_target",
                "--pid", self)) {
            for (int i = 0; i < CALLS; i++) {
                target.invokeInt(new Object[] {i});
            }
            run.stop();
            assertEquals(0, run.exitCode());
            List<String> out = run.outLines();
            long total = 0;
            for (String line : out) {
                if (line.contains("->")) {
                    total += Long.parseLong(line.split(":")[1].trim().split(" +")[0]);
                }
            }
            assertEquals(CALLS, total, String.join("\n", out));
            assertTrue(out.stream().anyMatch(l -> l.endsWith("count: " + CALLS)), String.join("\n", out));
            assertTrue(run.errLines().contains("funclatency: " + CALLS + " calls of bpf4j_target timed"));
        }
    }

    @Test
    void aVersionedSymbolIsTracedAsTheCommandLineGivesIt() throws Exception {
        Function getpid = NativeLibrary.getInstance("c").getFunction("getpid");
        String self = String.valueOf(ProcessHandle.current().pid());
        try (ToolRun run = ToolRun.start("funclatency", "--symbol", "libc:getpid@@GLIBC_2.2.5", "--pid", self)) {
            for (int i = 0; i < 200; i++) {
                getpid.invokeInt(new Object[0]);
            }
            run.stop();
            assertEquals(0, run.exitCode(), String.join("\n", run.errLines()));
            long total = 0;
            for (String line : run.outLines()) {
                if (line.contains("count: ")) {                // bcc's "avg = …, total: …, count: N"
                    total = Long.parseLong(line.substring(line.lastIndexOf("count: ") + 7));
                }
            }
            assertTrue(total >= 200, "calls of getpid@@GLIBC_2.2.5 timed: " + total + "\n" + run.outLines());
        }
    }

    @Test
    void pidFilterIgnoresOtherProcesses() throws Exception {
        Path so = compile();
        Function target = NativeLibrary.getInstance(so.toString()).getFunction("bpf4j_target");
        try (ToolRun run = ToolRun.start("funclatency", "--symbol", so + ":bpf4j_target", "--pid", "1")) {
            for (int i = 0; i < 10; i++) {
                target.invokeInt(new Object[] {i});
            }
            run.stop();
            assertEquals(0, run.exitCode());
            assertEquals(List.of("", "(no calls)"), run.outLines());
        }
    }

    @Test
    void intervalPrintsAndResetsTheHistogram() throws Exception {
        Path so = compile();
        Function target = NativeLibrary.getInstance(so.toString()).getFunction("bpf4j_target");
        try (ToolRun run = ToolRun.start("funclatency", "--binary", so.toString(), "--symbol", "bpf4j_target",
                "--interval", "0.2")) {
            for (int i = 0; i < 5; i++) {
                target.invokeInt(new Object[] {i});
            }
            // Printed by the interval while the tool still runs (the calls may straddle two intervals).
            run.awaitOut(l -> l.contains("count: "), Duration.ofSeconds(10));
            run.stop();
            assertEquals(0, run.exitCode());
            long printed = run.outLines().stream().filter(l -> l.contains("count: "))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf("count: ") + "count: ".length()))).sum();
            assertEquals(5, printed, "each interval shows only its own calls");
            assertTrue(run.errLines().contains("funclatency: 5 calls of bpf4j_target timed"));
        }
    }

    @Test
    void aLibraryIsFoundByNameAsTheDynamicLoaderWould() throws Exception {
        ToolRun run = ToolRun.start("funclatency", "--symbol", "libc:getaddrinfo", "--unit", "usecs");
        String ready = run.errLines().get(run.errLines().size() - 1);
        assertTrue(ready.matches("Tracing getaddrinfo in /.*/libc\\.so\\.6\\.\\.\\. Hit Ctrl-C to end\\."), ready);
        run.stop();
        assertEquals(0, run.exitCode(), String.join("\n", run.errLines()));
    }
}
