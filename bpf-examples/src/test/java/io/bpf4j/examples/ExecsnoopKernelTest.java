package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.testing.KernelFds;
import io.bpf4j.syscall.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * execsnoop end to end, in this JVM: the tool runs as {@code ./bpf4j execsnoop --json ...} would
 * while the test starts known programs, then each program must show up with its pid, parent,
 * user, command name and file. Other processes on the machine exec too; events are matched by
 * pid, which the kernel does not reuse while the test holds the process.
 */
@KernelTest
class ExecsnoopKernelTest {
    private static final Duration EVENT_WAIT = Duration.ofSeconds(20);
    private static final long JVM_PID = ProcessHandle.current().pid();
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    /** Runs {@code command} to its end and returns its pid. */
    static long run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long pid = p.pid();
        p.waitFor();
        return pid;
    }

    static String[] asNobody(String... command) {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        c.addAll(List.of(command));
        return c.toArray(new String[0]);
    }

    /** The JSON event of {@code pid} exec'ing {@code filename}. */
    static Map<String, Object> awaitExec(ToolRun run, long pid, String filename) throws InterruptedException {
        String line = run.awaitOut(l -> {
            Map<String, Object> e = JsonLines.parse(l);
            return e.get("pid").equals(pid) && e.get("filename").equals(filename);
        }, EVENT_WAIT);
        return JsonLines.parse(line);
    }

    /**
     * Where the kernel has kprobes, {@code auto} attaches the kprobe on do_execveat_common: exec has
     * not started there and COMM is still the caller's (here the JVM's jspawnhelper, setpriv, env); at
     * the tracepoint it is the new program's.
     */
    private static final boolean AUTO_IS_KPROBE = Features.system().hasKprobes();

    private static String comm(String program, String caller) {
        return AUTO_IS_KPROBE ? caller : program;
    }

    @Test
    void everyExecShowsUpWithPidParentUserCommandAndFile() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--json")) {
            long echo = run("/bin/echo", "hello");
            long asNobody = run(asNobody("/usr/bin/env", "/usr/bin/true"));

            Map<String, Object> e = awaitExec(run, echo, "/bin/echo");
            assertEquals(JVM_PID, e.get("ppid"), "parent of a process this JVM started");
            assertEquals(0L, e.get("uid"));
            assertEquals(comm("echo", "jspawnhelper"), e.get("comm"));
            assertTrue((Long) e.get("time") > 0);

            // setpriv (as root) execs env as nobody in the same process.
            Map<String, Object> n = awaitExec(run, asNobody, "/usr/bin/env");
            assertEquals(JVM_PID, n.get("ppid"));
            assertEquals((long) NOBODY, n.get("uid"));
            assertEquals(comm("env", "setpriv"), n.get("comm"));
            // env then execs true, again in the same process.
            Map<String, Object> t = awaitExec(run, asNobody, "/usr/bin/true");
            assertEquals(comm("true", "env"), t.get("comm"));
            assertEquals((long) NOBODY, t.get("uid"));
        }
    }

    /**
     * {@code --compiled}: the tracer written as a Java method. Every column is checked against what
     * the test knows of the execs it starts: the pid, the parent (this JVM), the user, the command,
     * the file, the parent's command (the comm of the thread that started the child: this one) and
     * the mount namespace (this JVM's, which the children share).
     */
    @Test
    void theCompiledTracerShowsEveryColumnOfRealExecs() throws Exception {
        String pcomm = Files.readString(Path.of("/proc/thread-self/comm")).strip();
        long mntns = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString().replaceAll("\\D", ""));
        try (ToolRun run = ToolRun.start("execsnoop", "--compiled", "--json", "--mntns")) {
            long before = System.nanoTime();
            long echo = run("/bin/echo", "hello");
            long asNobody = run(asNobody("/usr/bin/env", "/usr/bin/true"));

            Map<String, Object> e = awaitExec(run, echo, "/bin/echo");
            assertEquals(JVM_PID, e.get("ppid"), "parent of a process this JVM started");
            assertEquals(0L, e.get("uid"));
            assertEquals("echo", e.get("comm"));
            assertEquals(pcomm, e.get("pcomm"), "the comm of the thread that started the child");
            assertEquals(mntns, e.get("mntns"));
            // CLOCK_MONOTONIC, as System.nanoTime on Linux: between the start of the test and now.
            long time = (Long) e.get("time");
            assertTrue(time >= before && time <= System.nanoTime(), before + " <= " + time);
            assertTrue(e.get("timestamp").toString().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), e.toString());

            Map<String, Object> n = awaitExec(run, asNobody, "/usr/bin/env");
            assertEquals(JVM_PID, n.get("ppid"));
            assertEquals((long) NOBODY, n.get("uid"));
            assertEquals("env", n.get("comm"));
            Map<String, Object> t = awaitExec(run, asNobody, "/usr/bin/true");
            assertEquals("true", t.get("comm"));
            assertEquals((long) NOBODY, t.get("uid"));
            assertTrue(!t.containsKey("args"), "no --args with --compiled: " + t);
        }
    }

    @Test
    void theCompiledTracerFiltersByUidInTheKernelAndByNameAndParentInUserSpace() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--compiled", "--json", "--uid", String.valueOf(NOBODY),
                "-n", "^echo$", "-P", String.valueOf(JVM_PID))) {
            long root = run("/bin/echo", "root");
            long other = run(asNobody("/usr/bin/true"));
            long nobody = run(asNobody("/bin/echo", "nobody"));
            Map<String, Object> e = awaitExec(run, nobody, "/bin/echo");
            assertEquals((long) NOBODY, e.get("uid"));
            run.stop();
            for (String line : run.outLines()) {
                Map<String, Object> o = JsonLines.parse(line);
                assertEquals((long) NOBODY, o.get("uid"), "only nobody's execs pass: " + line);
                assertEquals("echo", o.get("comm"), line);
                assertEquals(JVM_PID, o.get("ppid"), line);
                assertTrue(!o.get("pid").equals(root) && !o.get("pid").equals(other), line);
            }
        }
    }

    @Test
    void uidFilterInTheKernelDropsEveryOtherUser() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--uid", String.valueOf(NOBODY))) {
            long root = run("/bin/echo", "root");
            long nobody = run(asNobody("/bin/echo", "nobody"));
            Map<String, Object> e = awaitExec(run, nobody, "/bin/echo");
            assertEquals((long) NOBODY, e.get("uid"));
            run.stop();
            for (String line : run.outLines()) {
                Map<String, Object> o = JsonLines.parse(line);
                assertEquals((long) NOBODY, o.get("uid"), "only nobody's execs pass: " + line);
                assertTrue(!o.get("pid").equals(root), line);
            }
        }
    }

    @Test
    void argsAreCapturedWithArgs() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--args")) {
            long pid = run("/bin/echo", "one", "two words");
            Map<String, Object> e = awaitExec(run, pid, "/bin/echo");
            assertEquals(List.of("/bin/echo", "one", "two words"), e.get("args"));
        }
    }

    @Test
    void latencyReportsDurationAndReturnValueOfGoodAndFailedExecs() throws Exception {
        String missing = "/nonexistent-" + UUID.randomUUID();
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--latency", "--args")) {
            long ok = run("/bin/echo", "fine");
            // sh's exec builtin calls execve in the shell's own process (whose pid we know); it fails.
            long failed = run("/bin/sh", "-c", "exec " + missing);

            Map<String, Object> good = awaitExec(run, ok, "/bin/echo");
            assertEquals(0L, good.get("ret"));
            assertTrue((Long) good.get("latency_ns") > 0, good.toString());
            assertEquals("echo", good.get("comm"));
            assertEquals(JVM_PID, good.get("ppid"));
            assertEquals(List.of("/bin/echo", "fine"), good.get("args"));

            Map<String, Object> bad = awaitExec(run, failed, missing);
            assertEquals(-2L, bad.get("ret"), "ENOENT");
            assertTrue((Long) bad.get("latency_ns") > 0, bad.toString());
            assertEquals("sh", bad.get("comm"), "a failed exec keeps the caller's name");
            assertEquals(List.of(), bad.get("args"), "no new program, no arguments");
        }
    }

    @Test
    void latencyKeepsAnExecMadeByAThreadThatIsNotTheLeader() throws Exception {
        // The kernel gives the exec'ing thread the leader's pid: the return probe sees another pid_tgid.
        Path c = Files.writeString(dir.resolve("threadexec.c"), String.join("\n",
                "#include <pthread.h>",
                "#include <unistd.h>",
                "static char **args;",
                "static void *run(void *p) { execv(args[1], args + 1); return p; }",
                "int main(int argc, char **argv) {",
                "    pthread_t t;",
                "    args = argv;",
                "    if (argc < 2 || pthread_create(&t, 0, run, 0) != 0) return 2;",
                "    pthread_join(t, 0);",
                "    return 1;",
                "}", ""));
        Path exe = dir.resolve("threadexec");
        Process gcc = new ProcessBuilder("gcc", "-O1", "-pthread", "-o", exe.toString(), c.toString())
                .redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc: " + gccOut);
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--latency")) {
            long pid = run(exe.toString(), "/bin/true", "from-a-thread");
            Map<String, Object> e = awaitExec(run, pid, "/bin/true");
            assertEquals(0L, e.get("ret"));
            assertTrue((Long) e.get("latency_ns") > 0, e.toString());
        }
    }

    @Test
    void theTableEscapesAForgedArgumentAndAFileNamedWithAnEscapeSequence() throws Exception {
        String marker = "m" + UUID.randomUUID().toString().substring(0, 8);
        Path file = dir.resolve("esc\u001b[31mRED" + marker);
        Files.copy(Path.of("/bin/true"), file);
        file.toFile().setExecutable(true);
        String forged = "x\n09:09:09.999 1 0 0 cron /usr/sbin/cron FORGED" + marker;
        try (ToolRun run = ToolRun.start("execsnoop", "--args")) {
            long byArg = run("/bin/true", forged);
            long byName = run(file.toString(), marker);
            String argRow = run.awaitOut(l -> l.contains(" " + byArg + " ") && l.contains(marker), EVENT_WAIT);
            assertTrue(argRow.endsWith("/bin/true x\\n09:09:09.999 1 0 0 cron /usr/sbin/cron FORGED" + marker), argRow);
            String nameRow = run.awaitOut(l -> l.contains(" " + byName + " ") && l.contains(marker), EVENT_WAIT);
            assertTrue(nameRow.contains(dir + "/esc\\x1b[31mRED" + marker), nameRow);
            run.stop();
            for (String line : run.outLines()) {
                assertTrue(!line.startsWith("09:09:09.999") && line.chars().noneMatch(c -> c == 0x1b),
                        "a forged row or a raw escape: " + line);
            }
        }
    }

    @Test
    void tableAndSummaryAtTheEndOfDuration() throws Exception {
        ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(60), "execsnoop", "--duration", "1");
        assertEquals(0, run.exitCode(), String.join("\n", run.errLines()));
        List<String> out = run.outLines();
        assertEquals(List.of("TIME", "PID", "PPID", "UID", "COMM", "FILENAME"), List.of(out.get(0).trim().split(" +")));
        List<String> err = run.errLines();
        assertEquals(ExecsnoopCommand.READY, err.get(err.size() - 2));
        String summary = err.get(err.size() - 1);
        assertTrue(summary.matches("execsnoop: \\d+ events? seen, \\d+ dropped \\(ring buffer full\\)"), summary);
        assertEquals(out.size() - 1, Long.parseLong(summary.split(" ")[1]), "one table row per event seen");
    }

    @Test
    void kprobeTracesExecsWithEveryColumnWhereTheKernelHasKprobesElseIsOneLineAndExit1() throws Exception {
        if (!Features.system().hasKprobes()) {
            ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(60), "execsnoop", "--attach", "kprobe", "--duration", "1");
            assertEquals(1, run.exitCode());
            assertEquals(List.of("bpf4j execsnoop: this kernel has no kprobes (CONFIG_KPROBES is off):"
                    + " use --attach tracepoint, or auto"), run.errLines());
            assertEquals(List.of(), run.outLines());
            return;
        }
        String missing = "/nonexistent-" + UUID.randomUUID();
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--attach", "kprobe", "--latency", "--args")) {
            long ok = run("/bin/echo", "by", "kprobe");
            long asNobody = run(asNobody("/bin/echo", "nobody"));
            long failed = run("/bin/sh", "-c", "exec " + missing);

            // With --latency the event leaves at the kretprobe: COMM is the new program's after a
            // successful exec and still the caller's after a failed one.
            Map<String, Object> e = awaitExec(run, ok, "/bin/echo");
            assertEquals("echo", e.get("comm"));
            assertEquals(JVM_PID, e.get("ppid"));
            assertEquals(0L, e.get("uid"));
            assertEquals(0L, e.get("ret"));
            assertTrue((Long) e.get("latency_ns") > 0, e.toString());
            assertEquals(List.of("/bin/echo", "by", "kprobe"), e.get("args"));
            Map<String, Object> n = awaitExec(run, asNobody, "/bin/echo");
            assertEquals((long) NOBODY, n.get("uid"));
            assertEquals("echo", n.get("comm"));
            Map<String, Object> bad = awaitExec(run, failed, missing);
            assertEquals(-2L, bad.get("ret"), "ENOENT");
            assertEquals("sh", bad.get("comm"));
            // The tool says which kernel symbol it probes when that is a compiler clone of the name.
            for (String line : run.errLines()) {
                assertTrue(line.equals(ExecsnoopCommand.READY) || line.matches(
                        "bpf4j execsnoop: k(ret)?probe:do_execveat_common is do_execveat_common\\.[a-z0-9.]+ in this kernel.*"),
                        line);
            }
        }
    }

    @Test
    void eventsLostToAFullRingBufferAreCountedInTheKernelAndReported() throws Exception {
        int execs = 1000;   // 1000 records of 584 bytes do not fit the 256 KiB ring
        try (ToolRun run = ToolRun.start("execsnoop", "--json")) {
            run.pauseOut();  // the tool blocks on its first write: nothing drains the ring
            for (int i = 0; i < execs; i++) {
                run("/bin/true");
            }
            run.resumeOut();
            run.stop();
            String summary = run.errLines().get(run.errLines().size() - 1);
            String[] words = summary.split(" ");
            long seen = Long.parseLong(words[1]);
            long dropped = Long.parseLong(words[4]);
            assertTrue(dropped > 0, summary);
            assertTrue(seen + dropped >= execs, summary);
            assertEquals(seen, run.outLines().size(), "one line per event seen");
        }
    }

    /** This process's BPF maps, programs, links, perf events, epoll sets and eventfds. */
    static List<String> bpfDescriptors() {
        return KernelFds.list();
    }

    @Test
    void leavesNoMapProgramLinkOrPerfEventOpen() throws Exception {
        List<String> before = bpfDescriptors();
        for (String[] args : List.of(new String[] {"execsnoop", "--duration", "0.2"},
                new String[] {"execsnoop", "--compiled", "--uid", "0", "--duration", "0.2"},
                new String[] {"execsnoop", "--latency", "--args", "--uid", "0", "--duration", "0.2"})) {
            ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(60), args);
            assertEquals(0, run.exitCode(), String.join("\n", run.errLines()));
            assertEquals(before, bpfDescriptors(), "after " + String.join(" ", args));
        }
    }
}
