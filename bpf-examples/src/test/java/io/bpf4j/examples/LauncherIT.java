package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.testing.KernelTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a user runs it: {@code ./bpf4j execsnoop} from the repository
 * root, in its own process. Runs in the integration-test phase, after the package phase has
 * made the jar, target/lib and the launcher's stamp, so the launcher starts at once instead of
 * building again.
 */
@KernelTest
class LauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /**
     * The package phase has just made the jar and target/lib: tell the launcher so with its stamp,
     * as its own build would, so that no test (in particular one run as another user, who may not
     * build) finds the tools stale in a fresh clone.
     */
    @org.junit.jupiter.api.BeforeAll
    static void theBuildJustMadeTheTools() throws IOException {
        Path stamp = ROOT.resolve("bpf-examples/target/.bpf4j-built");
        if (!Files.exists(stamp)) {
            Files.createFile(stamp);
        }
        Files.setLastModifiedTime(stamp, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    }

    private static Process launch(List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add("./bpf4j");
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(ROOT.toFile()).start();
    }

    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    /**
     * A checkout in {@code dir} holding only the launcher and a stand-in for the Maven wrapper that
     * notes each call in {@code mvnw.calls} and then takes 30 s (ending early on INT/TERM with
     * 128 + the signal, as Maven's JVM does): enough to see what the launcher does around a build.
     */
    private static Path checkoutWithSlowBuild(Path dir) throws IOException {
        Files.copy(ROOT.resolve("bpf4j"), dir.resolve("bpf4j"), StandardCopyOption.COPY_ATTRIBUTES);
        Path mvnw = dir.resolve("mvnw");
        Files.writeString(mvnw, String.join("\n", "#!/usr/bin/env bash",
                "echo \"mvnw $*\" >> \"$(dirname \"$0\")/mvnw.calls\"",
                "trap 'exit 130' INT",
                "trap 'exit 143' TERM",
                "sleep 30 & wait $!",
                "exit 1", ""));
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** SIGINT as a terminal's Ctrl-C sends it, unless this JVM's children start with SIGINT ignored. */
    private static String interruptSignal(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:") && (Long.parseLong(line.substring(7).trim(), 16) & 2) != 0) {
                System.err.println("LauncherIT: SIGINT is ignored by processes started here: sending TERM instead");
                return "-TERM";
            }
        }
        return "-INT";
    }

    @Test
    void ctrlCDuringTheFirstBuildStopsTheLauncherWithoutAnotherBuild(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path co = checkoutWithSlowBuild(dir);
        // Its own session and process group, so the signal reaches the whole group as Ctrl-C does.
        Process tool = new ProcessBuilder("setsid", "./bpf4j", "execsnoop").directory(co.toFile()).start();
        Path calls = co.resolve("mvnw.calls");
        for (int i = 0; i < 200 && !Files.exists(calls); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(calls), "the launcher never started a build");
        Thread.sleep(200);
        String signal = interruptSignal(tool.pid());
        Process kill = new ProcessBuilder("kill", signal, "--", "-" + tool.pid()).inheritIO().start();
        assertEquals(0, kill.waitFor());
        boolean ended = tool.waitFor(10, TimeUnit.SECONDS);
        if (!ended) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + tool.pid()).start().waitFor();
        }
        List<String> err = lines(tool.getErrorStream());
        assertTrue(ended, "still running 10 s after " + signal + ": " + Files.readAllLines(calls) + "\n" + err);
        assertEquals(1, Files.readAllLines(calls).size(), "builds started: " + Files.readAllLines(calls));
        assertTrue(tool.exitValue() >= 128, "exit " + tool.exitValue());
        assertEquals("bpf4j: build interrupted", err.get(err.size() - 1), String.join("\n", err));
    }

    @Test
    void aUserWhoCannotWriteTheCheckoutIsToldSoInOneLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path co = checkoutWithSlowBuild(dir);
        Process tool = new ProcessBuilder(concat(AS_NOBODY, "./bpf4j", "execsnoop")).directory(co.toFile()).start();
        List<String> out = lines(tool.getInputStream());
        List<String> err = lines(tool.getErrorStream());
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, tool.exitValue());
        assertEquals(List.of(), out);
        assertEquals(1, err.size(), String.join("\n", err));
        assertTrue(err.get(0).startsWith("bpf4j: the tools need building, but nobody cannot write to "), err.get(0));
        assertTrue(!Files.exists(co.resolve("mvnw.calls")), "a build was started");
    }

    @Test
    void withoutRootItSaysWhichPrivilegeIsMissingEvenWhenTheCheckoutsParentIsPrivate() throws Exception {
        // As in a clone inside `mktemp -d`: the folder above the checkout is 0700 and root's.
        Path parent = Files.createTempDirectory("bpf4j-private-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path co = Files.createDirectory(parent.resolve("bpf4j"));
        try {
            Files.copy(ROOT.resolve("bpf4j"), co.resolve("bpf4j"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(co, PosixFilePermissions.fromString("rwxr-xr-x"));
            // The built tools of this checkout, copied (a link would lead back into this checkout, which
            // may itself sit in a folder nobody can enter, as CI's clone does), stamped as built last.
            Path target = ROOT.resolve("bpf-examples/target");
            Path copy = Files.createDirectories(co.resolve("bpf-examples/target/lib"));
            try (java.util.stream.Stream<Path> jars = Files.list(target)) {
                for (Path j : (Iterable<Path>) jars::iterator) {
                    String n = j.getFileName().toString();
                    if (n.startsWith("bpf-examples-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                            && !n.endsWith("-javadoc.jar")) {
                        Files.copy(j, copy.getParent().resolve(n));
                    }
                }
            }
            try (java.util.stream.Stream<Path> libs = Files.list(target.resolve("lib"))) {
                for (Path j : (Iterable<Path>) libs::iterator) {
                    Files.copy(j, copy.resolve(j.getFileName()));
                }
            }
            Files.createFile(copy.getParent().resolve(".bpf4j-built"));
            setReadableByAll(co.resolve("bpf-examples"));
            Process tool = new ProcessBuilder(concat(AS_NOBODY, "./bpf4j", "execsnoop")).directory(co.toFile()).start();
            List<String> out = lines(tool.getInputStream());
            List<String> err = lines(tool.getErrorStream());
            assertTrue(tool.waitFor(60, TimeUnit.SECONDS));
            assertEquals(List.of(), out);
            assertEquals(1, err.size(), String.join("\n", err));
            assertTrue(err.get(0).startsWith("bpf4j execsnoop: needs root: missing CAP_BPF and CAP_PERFMON"), err.get(0));
            assertEquals(1, tool.exitValue());
        } finally {
            deleteTree(parent);
        }
    }

    private static void setReadableByAll(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }

    private static List<String> lines(java.io.InputStream in) throws IOException {
        return lines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    }

    private static List<String> lines(BufferedReader in) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = in) {
            for (String l; (l = r.readLine()) != null; ) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void execsnoopForTwoSecondsShowsReadinessAnEventAndTheSummary() throws Exception {
        Process tool = launch(List.of(), "execsnoop", "--duration", "2");
        BufferedReader err = new BufferedReader(new InputStreamReader(tool.getErrorStream(), StandardCharsets.UTF_8));
        List<String> errLines = new ArrayList<>();
        for (String l; (l = err.readLine()) != null && !l.equals(ExecsnoopCommand.READY); ) {
            errLines.add(l);
        }
        if (!tool.isAlive() && tool.exitValue() != 0) {
            fail("./bpf4j execsnoop exited with " + tool.exitValue() + ":\n" + String.join("\n", errLines));
        }
        Process t = new ProcessBuilder("/usr/bin/true").start();
        long pid = t.pid();
        t.waitFor();

        List<String> out = lines(tool.getInputStream());
        errLines.addAll(lines(err));
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "still running after --duration 2");
        assertEquals(0, tool.exitValue(), String.join("\n", errLines));
        assertEquals(List.of("TIME", "PID", "PPID", "UID", "COMM", "FILENAME"), List.of(out.get(0).trim().split(" +")));
        // auto attaches the kprobe where the kernel has kprobes: there exec has not started and COMM is
        // still the caller's, the JVM's jspawnhelper; at the tracepoint it is the new program's.
        String comm = Features.system().hasKprobes() ? "jspawnhelper" : "true";
        boolean seen = out.stream().map(l -> l.trim().split(" +"))
                .anyMatch(c -> c[1].equals(String.valueOf(pid)) && c[3].equals("0") && c[4].equals(comm)
                        && c[5].equals("/usr/bin/true"));
        assertTrue(seen, "no row for /usr/bin/true (pid " + pid + ") in:\n" + String.join("\n", out));
        String summary = errLines.get(errLines.size() - 1);
        assertTrue(summary.matches("execsnoop: \\d+ events? seen, 0 dropped \\(ring buffer full\\)"), summary);
    }

    @Test
    void withoutRootItSaysWhichPrivilegeIsMissingInOneLine() throws Exception {
        Process tool = launch(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), "execsnoop");
        List<String> out = lines(tool.getInputStream());
        List<String> err = lines(tool.getErrorStream());
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, tool.exitValue());
        assertEquals(List.of(), out);
        assertEquals(1, err.size(), String.join("\n", err));
        assertTrue(err.get(0).startsWith("bpf4j execsnoop: needs root: missing CAP_BPF and CAP_PERFMON"), err.get(0));
    }

    @Test
    void sigtermDetachesAndPrintsTheSummary() throws Exception {
        Process tool = launch(List.of(), "execsnoop");   // no --duration: runs until a signal
        BufferedReader err = new BufferedReader(new InputStreamReader(tool.getErrorStream(), StandardCharsets.UTF_8));
        for (String l; (l = err.readLine()) != null && !l.equals(ExecsnoopCommand.READY); ) {
            // notices before the readiness line
        }
        // SIGTERM to the launcher's pid, which exec'd java. (Process.destroy would also close our
        // end of its pipes, and we still want to read the summary.)
        tool.toHandle().destroy();
        List<String> rest = lines(err);
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, tool.exitValue(), "128 + SIGTERM");
        assertEquals(1, rest.size(), String.join("\n", rest));
        assertTrue(rest.get(0).matches("execsnoop: \\d+ events? seen, 0 dropped \\(ring buffer full\\)"), rest.get(0));
    }

    @Test
    void aClosedStdoutEndsTheToolAsHeadWouldWant() throws Exception {
        Process tool = launch(List.of(), "execsnoop");
        BufferedReader err = new BufferedReader(new InputStreamReader(tool.getErrorStream(), StandardCharsets.UTF_8));
        for (String l; (l = err.readLine()) != null && !l.equals(ExecsnoopCommand.READY); ) {
            // notices before the readiness line
        }
        tool.getInputStream().close();                    // like `| head` exiting
        for (int i = 0; i < 300 && tool.isAlive(); i++) { // execs give the tool something to write
            new ProcessBuilder("/bin/true").start().waitFor();
            tool.waitFor(100, TimeUnit.MILLISECONDS);
        }
        if (tool.isAlive()) {
            tool.toHandle().destroy();
            fail("still running 300 execs after its stdout was closed");
        }
        List<String> rest = lines(err);
        assertEquals(0, tool.exitValue(), String.join("\n", rest));
        assertTrue(rest.get(rest.size() - 1).startsWith("execsnoop: "), String.join("\n", rest));
    }
}
