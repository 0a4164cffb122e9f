package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bpf4j.syscall.testing.KernelTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    private static Process launch(List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add("./bpf4j");
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(ROOT.toFile()).start();
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
        boolean seen = out.stream().map(l -> l.trim().split(" +"))
                .anyMatch(c -> c[1].equals(String.valueOf(pid)) && c[3].equals("0") && c[4].equals("true")
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
