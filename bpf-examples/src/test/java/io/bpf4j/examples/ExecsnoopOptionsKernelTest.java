package io.bpf4j.examples;

import static io.bpf4j.examples.ExecsnoopKernelTest.awaitExec;
import static io.bpf4j.examples.ExecsnoopKernelTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.syscall.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bcc/libbpf-tools options of execsnoop on real execs: every filter lets the test's marked
 * exec through and keeps its unmarked twin out; truncation shows its marker. Other processes exec
 * at the same time, so the checks are about the test's own pids and markers.
 */
@KernelTest
class ExecsnoopOptionsKernelTest {
    private static final Duration EVENT_WAIT = Duration.ofSeconds(20);
    private static final long JVM_PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    /** A link to /bin/echo whose name (and so the comm of its exec) is unique to this test. */
    private Path markedEcho() throws Exception {
        Path link = dir.resolve("m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        return Files.createSymbolicLink(link, Path.of("/bin/echo"));
    }

    private static List<Map<String, Object>> eventsOf(ToolRun run, long... pids) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : run.outLines()) {
            Map<String, Object> e = JsonLines.parse(line);
            for (long pid : pids) {
                if (e.get("pid").equals(pid)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Test
    void nameFilterKeepsOnlyCommandsMatchingTheExpression() throws Exception {
        Path marked = markedEcho();
        String comm = marked.getFileName().toString();
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "-n", "^" + comm + "$")) {
            long other = run("/bin/echo", "other");
            long mine = run(marked.toString(), "mine");
            assertEquals(comm, awaitExec(run, mine, marked.toString()).get("comm"));
            run.stop();
            for (String line : run.outLines()) {
                assertEquals(comm, JsonLines.parse(line).get("comm"), line);
            }
            assertEquals(List.of(), eventsOf(run, other));
        }
    }

    @Test
    void lineFilterSearchesTheArguments() throws Exception {
        String marker = "m" + UUID.randomUUID();
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "-l", marker)) {
            long other = run("/bin/echo", "other");
            long mine = run("/bin/echo", "x" + marker + "y");
            Map<String, Object> e = awaitExec(run, mine, "/bin/echo");
            assertEquals(List.of("/bin/echo", "x" + marker + "y"), e.get("args"), "-l implies the arguments");
            run.stop();
            assertEquals(List.of(), eventsOf(run, other));
        }
    }

    @Test
    void ppidFilterKeepsOnlyChildrenOfThatProcess() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "-P", String.valueOf(JVM_PID))) {
            // sh is this JVM's child; the echo it forks is its grandchild.
            long sh = run("/bin/sh", "-c", "/bin/echo grandchild; true");
            awaitExec(run, sh, "/bin/sh");
            run.stop();
            for (String line : run.outLines()) {
                assertEquals(JVM_PID, JsonLines.parse(line).get("ppid"), line);
            }
        }
    }

    @Test
    void uidByUserNameIsLookedUpInPasswd() throws Exception {
        assumeTrue(Files.readAllLines(Users.PASSWD).stream().anyMatch(l -> l.startsWith("nobody:x:65534:")),
                "no user nobody with uid 65534 here");
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "-u", "nobody")) {
            long root = run("/bin/echo", "root");
            long nobody = run(ExecsnoopKernelTest.asNobody("/bin/echo", "nobody"));
            assertEquals(65534L, awaitExec(run, nobody, "/bin/echo").get("uid"));
            run.stop();
            assertEquals(List.of(), eventsOf(run, root));
        }
    }

    @Test
    void unknownUserNameIsAUsageError() throws Exception {
        ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(30), "execsnoop", "-u", "no-such-user-" + UUID.randomUUID());
        assertEquals(2, run.exitCode());
        assertTrue(run.errLines().get(0).contains("no such user in /etc/passwd"), run.errLines().toString());
    }

    /** -x on the tracepoint path (and on the kprobe path where the kernel has kprobes). */
    @Test
    void failsOnlyShowsFailedExecsOnEveryAttachPath() throws Exception {
        List<String> paths = new ArrayList<>(List.of("tracepoint"));
        if (Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))) {
            paths.add("kprobe");
        }
        for (String attach : paths) {
            String missing = "/nonexistent-" + UUID.randomUUID();
            try (ToolRun run = ToolRun.start("execsnoop", "--json", "-x", "--attach", attach)) {
                long ok = run("/bin/echo", "fine");
                long failed = run("/bin/sh", "-c", "exec " + missing);
                Map<String, Object> bad = awaitExec(run, failed, missing);
                assertEquals(-2L, bad.get("ret"), attach + ": ENOENT");
                run.stop();
                assertEquals(List.of(), eventsOf(run, ok), attach + ": a successful exec is not shown");
                for (String line : run.outLines()) {
                    assertTrue((Long) JsonLines.parse(line).get("ret") < 0, attach + ": " + line);
                }
            }
        }
    }

    @Test
    void cgroupFilterInTheKernelKeepsOnlyProcessesOfThatCgroup() throws Exception {
        Path root = CgroupV2.mountPoint();
        assumeTrue(root != null, "no cgroup v2 mounted");
        Path cg = root.resolve("bpf4j-test-" + UUID.randomUUID());
        Files.createDirectory(cg);
        try {
            try (ToolRun run = ToolRun.start("execsnoop", "--json", "--cgroup", cg.toString())) {
                long outside = run("/bin/echo", "outside");
                // The shell moves itself into the cgroup, then execs echo there.
                long inside = run("/bin/sh", "-c", "echo $$ > " + cg.resolve("cgroup.procs") + " && exec /bin/echo in");
                awaitExec(run, inside, "/bin/echo");
                run.stop();
                assertEquals(List.of(), eventsOf(run, outside));
                assertEquals(1, run.outLines().stream().filter(l -> JsonLines.parse(l).get("pid").equals(inside))
                        .count(), "the sh exec happened before the move: only echo is in the cgroup");
            }
        } finally {
            Files.delete(cg);              // empty again: its only process has exited
        }
    }

    @Test
    void cgroupThatIsNotCgroupV2IsAUsageError() throws Exception {
        ToolRun run = ToolRun.runToEnd(Duration.ofSeconds(30), "execsnoop", "--cgroup", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.errLines().get(0).contains("not a cgroup v2 directory"), run.errLines().toString());
    }

    @Test
    void maxArgsCutsTheListAndMarksIt() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--max-args", "3")) {
            long pid = run("/bin/echo", "a", "b", "c", "d");
            Map<String, Object> e = awaitExec(run, pid, "/bin/echo");
            assertEquals(List.of("/bin/echo", "a", "b"), e.get("args"));
            assertEquals(Boolean.TRUE, e.get("args_truncated"));
        }
    }

    @Test
    void argumentsBeyondTheKernelBufferAreMarkedNotSilentlyDropped() throws Exception {
        List<String> many = new ArrayList<>(List.of("/bin/echo"));
        for (int i = 0; i < 300; i++) {
            many.add("a" + i);
        }
        String longArg = "x".repeat(3000);
        try (ToolRun run = ToolRun.start("execsnoop", "--max-args", "1000", "--columns", "bcc")) {
            long manyPid = run(many.toArray(new String[0]));
            long longPid = run("/bin/echo", longArg);
            for (long pid : new long[] {manyPid, longPid}) {
                String line = run.awaitOut(l -> l.matches("echo +" + pid + " .*"), EVENT_WAIT);
                assertTrue(line.endsWith(" ..."), "cut by the " + ExecPrograms.ARGS_SIZE + "-byte buffer: " + line);
            }
        }
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--args")) {
            long pid = run("/bin/echo", "short");
            assertEquals(Boolean.FALSE, awaitExec(run, pid, "/bin/echo").get("args_truncated"));
        }
    }

    @Test
    void bccColumnsWithTimeQuotesAndReturnValue() throws Exception {
        try (ToolRun run = ToolRun.start("execsnoop", "--columns", "bcc", "-T", "-t", "-q")) {
            String header = run.awaitOut(l -> l.startsWith("TIME"), EVENT_WAIT);
            assertEquals(List.of("TIME", "TIME(s)", "PCOMM", "PID", "PPID", "RET", "ARGS"), List.of(header.trim().split(" +")));
            long pid = run("/bin/echo", "say \"hi\"");
            String line = run.awaitOut(l -> l.matches("\\S+ +\\S+ +echo +" + pid + " .*"), EVENT_WAIT);
            String[] cols = line.trim().split(" +");
            assertTrue(cols[0].matches("\\d\\d:\\d\\d:\\d\\d"), line);
            assertTrue(cols[1].matches("\\d+\\.\\d{3}"), line);
            assertEquals(List.of(String.valueOf(JVM_PID), "0", "\"/bin/echo\"", "\"say", "\\\"hi\\\"\""),
                    List.of(cols).subList(4, 9), line);
        }
    }

    @Test
    void jsonCarriesParentCommandMountNamespaceAndWallClock() throws Exception {
        long mntns = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString()
                .replaceAll("\\D", ""));
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "--mntns", "-P", String.valueOf(JVM_PID))) {
            Instant before = Instant.now();
            long sh = run("/bin/sh", "-c", "/bin/echo child; true");
            Map<String, Object> shell = awaitExec(run, sh, "/bin/sh");
            assertEquals(mntns, shell.get("mntns"));
            Instant at = Instant.parse((String) shell.get("timestamp"));
            assertTrue(!at.isBefore(before.minusSeconds(2)) && !at.isAfter(Instant.now().plusSeconds(2)), at.toString());
            assertFalse(((String) shell.get("pcomm")).isEmpty());
        }
        try (ToolRun run = ToolRun.start("execsnoop", "--json", "-n", "^echo$")) {
            long sh = run("/bin/sh", "-c", "/bin/echo child; true");
            String line = run.awaitOut(l -> JsonLines.parse(l).get("ppid").equals(sh), EVENT_WAIT);
            assertEquals("sh", JsonLines.parse(line).get("pcomm"), "echo's parent is the shell");
        }
    }
}
