package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {
    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    private static Result run(String... args) {
        CommandLine cl = Bpf4j.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryTool() {
        Result r = run("--help");
        assertEquals(0, r.exit);
        for (String tool : List.of("execsnoop", "funclatency", "bench")) {
            assertTrue(r.out.contains("  " + tool), "no " + tool + " in\n" + r.out);
        }
    }

    @Test
    void noToolListsTheToolsOnStderrAndExitsWith2() {
        Result r = run();
        assertEquals(2, r.exit);
        assertEquals("", r.out);
        assertTrue(r.err.startsWith("bpf4j: which tool?"), r.err);
        for (String tool : List.of("execsnoop", "funclatency", "disasm")) {
            assertTrue(r.err.contains("  " + tool), "no " + tool + " in\n" + r.err);
        }
    }

    @Test
    void unknownOptionPrintsPicocliUsageAndExitsWith2() {
        Result r = run("execsnoop", "--bogus");
        assertEquals(2, r.exit);
        assertTrue(r.err.startsWith("Unknown option: '--bogus'"), r.err);
        assertTrue(r.err.contains("Usage: bpf4j execsnoop"), r.err);
    }

    @Test
    void attachModeIsCaseInsensitiveAndChecked() {
        Result r = run("execsnoop", "--attach", "uprobe");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("--attach"), r.err);
        CommandLine cl = Bpf4j.commandLine();
        cl.parseArgs("execsnoop", "--attach", "TracePoint", "--uid", "1000", "--latency");
        ExecsnoopCommand c = cl.getSubcommands().get("execsnoop").getCommand();
        assertEquals(ExecTracer.Attach.TRACEPOINT, c.attach);
        assertEquals("1000", c.uid);
        assertTrue(c.latency);
    }

    @Test
    void argsWithTheKprobeAloneIsAUsageError() {
        Result r = run("execsnoop", "--attach", "kprobe", "--args");
        assertEquals(2, r.exit);
        assertTrue(r.err.startsWith("--args needs --attach tracepoint (or --latency)"), r.err);
    }

    @Test
    void compiledExecsnoopNamesTheOptionsItCannotHonour() {
        Result r = run("execsnoop", "--compiled", "--latency", "-q");
        assertEquals(2, r.exit);
        assertTrue(r.err.startsWith("--compiled does not apply with --latency, --args (and --max-args, -q, -l, which show"
                + " arguments): the compiled tracer"), r.err);
        assertTrue(r.err.contains("these options need execsnoop without --compiled"), r.err);
        Result k = run("execsnoop", "--compiled", "--attach", "kprobe");
        assertEquals(2, k.exit);
        assertTrue(k.err.startsWith("--compiled does not apply with --attach kprobe:"), k.err);
    }

    @Test
    void funclatencyTakesTheLibraryFromTheSymbolOrFromBinary() {
        assertEquals(new FunclatencyCommand.Target("libc", "getaddrinfo"), target("--symbol", "libc:getaddrinfo"));
        assertEquals(new FunclatencyCommand.Target("/lib/x.so", "f"), target("--binary", "/lib/x.so", "--symbol", "f"));
        assertEquals(new FunclatencyCommand.Target("libc", "malloc"), target("--binary", "libc", "--symbol", "libc:malloc"));
    }

    @Test
    void funclatencyWithoutALibraryMeansAKernelFunctionAsInBcc() {
        assertEquals(new FunclatencyCommand.Target(null, "vfs_read"), target("vfs_read"));
        assertEquals(new FunclatencyCommand.Target("libc", "str*"), target("libc:str*"));
        Result none = run("funclatency");
        assertEquals(2, none.exit);
        assertTrue(none.err.startsWith("which function? give [LIB:]NAME"), none.err);
        Result twice = run("funclatency", "--symbol", "libc:malloc", "libc:free");
        assertEquals(2, twice.exit);
        assertTrue(twice.err.startsWith("give the function once"), twice.err);
        Result clash = run("funclatency", "--binary", "libm", "--symbol", "libc:malloc");
        assertEquals(2, clash.exit);
        assertTrue(clash.err.contains("give one of them"), clash.err);
    }

    @Test
    void execsnoopTakesBccsShortOptions() {
        CommandLine cl = Bpf4j.commandLine();
        cl.parseArgs("execsnoop", "-T", "-t", "-x", "-q", "-n", "sh", "-l", "x", "-P", "1", "-u", "root",
                "--mntns", "--max-args", "5", "--columns", "BCC", "--cgroup", "/sys/fs/cgroup/x", "--pcomm",
                "--metrics-port", "9435");
        ExecsnoopCommand c = cl.getSubcommands().get("execsnoop").getCommand();
        assertTrue(c.timeOfDay && c.sinceStart && c.failsOnly && c.quote && c.mntns && c.pcomm);
        assertEquals(List.of("sh", "x", 1, "root", 5, ExecPrinter.Columns.BCC, 9435, "127.0.0.1"),
                List.of(c.name, c.line, c.ppid, c.uid, c.maxArgs, c.columns, c.metricsPort, c.metricsAddress));
        String help = run("execsnoop", "--help").out;
        for (String option : List.of("-T", "-t", "-x", "-q", "-n", "-l", "-P", "-u", "--cgroup", "--mntns",
                "--max-args", "--columns", "--pcomm", "--metrics-port", "--json")) {
            assertTrue(inHelp(help, option), option + " in --help:\n" + help);
        }
    }

    @Test
    void funclatencyTakesBccsOptions() {
        CommandLine cl = Bpf4j.commandLine();
        cl.parseArgs("funclatency", "-F", "-r", "-l", "3", "-p", "42", "-i", "2", "-T", "-d", "9", "-u",
                "--metrics-port", "9436", "libc:^str");
        FunclatencyCommand c = cl.getSubcommands().get("funclatency").getCommand();
        assertTrue(c.perFunction && c.regexp && c.timestamp && c.microseconds);
        assertEquals(List.of(3, 42, 2.0, 9.0, 9436, "libc:^str"),
                List.of(c.levels, c.pid, c.intervalSeconds, c.durationSeconds, c.metricsPort, c.pattern));
        String help = run("funclatency", "--help").out;
        for (String option : List.of("-F", "-r", "-l", "-p", "-i", "-T", "-d", "-u", "-m", "--metrics-port")) {
            assertTrue(inHelp(help, option), option + " in --help:\n" + help);
        }
    }

    @Test
    void funclatencyWildcardIsAWholeNameMatch() {
        assertTrue(FunclatencyCommand.wildcard("str*cmp").matcher("strncmp").matches());
        assertTrue(FunclatencyCommand.wildcard("a?c").matcher("abc").matches());
        assertTrue(!FunclatencyCommand.wildcard("str*").matcher("xstrlen").matches());
        assertTrue(!FunclatencyCommand.wildcard("a.c").matcher("abc").matches(), "a dot is a dot");
    }

    @Test
    void userNamesAreLookedUpInPasswdLines() {
        List<String> passwd = List.of("root:x:0:0:root:/root:/bin/bash", "nobody:x:65534:65534::/:/usr/sbin/nologin");
        assertEquals(java.util.Optional.of(65534), Users.uidIn(passwd, "nobody"));
        assertEquals(java.util.Optional.empty(), Users.uidIn(passwd, "nob"));
    }

    /** True when {@code option} starts a line of the option list ({@code -T, --time}, {@code --cgroup=PATH}). */
    private static boolean inHelp(String help, String option) {
        return java.util.regex.Pattern.compile("(?m)^\\s+(-\\w, )?" + java.util.regex.Pattern.quote(option) + "[ ,=]")
                .matcher(help).find();
    }

    /** Exit 2 and exactly one line on stderr naming the option, before any tracing starts. */
    private static void assertOneLineUsageError(String option, String... args) {
        Result r = run(args);
        assertEquals(2, r.exit, String.join(" ", args) + "\n" + r.err);
        assertEquals(1, r.err.split("\n").length, r.err);
        assertTrue(r.err.startsWith("bpf4j " + args[0] + ": " + option + " "), r.err);
        assertEquals("", r.out);
    }

    @Test
    void funclatencyRefusesIntervalsDurationsAndPidsThatCannotWorkInOneLine() {
        // Each run has a --duration, so that where a value is wrongly accepted the tool still ends.
        String[] sym = {"--symbol", "libc:malloc"};
        for (String bad : List.of("0", "-1", "NaN", "1e300")) {
            assertOneLineUsageError("--interval", "funclatency", sym[0], sym[1], "--interval", bad, "--duration", "1");
        }
        for (String bad : List.of("-1", "NaN", "0")) {
            assertOneLineUsageError("--duration", "funclatency", sym[0], sym[1], "--duration", bad);
        }
        assertOneLineUsageError("--pid", "funclatency", sym[0], sym[1], "--pid", "-5", "--duration", "1");
        assertOneLineUsageError("--pid", "funclatency", sym[0], sym[1], "--pid", "0", "--duration", "1");
        // Above any pid_max (at most 2^22): no such process.
        Result missing = run("funclatency", sym[0], sym[1], "--pid", String.valueOf(Integer.MAX_VALUE), "--duration", "1");
        assertEquals(2, missing.exit);
        assertTrue(missing.err.contains("no such process"), missing.err);
    }

    @Test
    void execsnoopRefusesANegativeUidAndBadDurationsInOneLine() {
        assertOneLineUsageError("--uid", "execsnoop", "--uid", "-1", "--duration", "1");
        assertOneLineUsageError("--duration", "execsnoop", "--duration", "NaN");
        assertOneLineUsageError("--duration", "execsnoop", "--duration", "-1");
    }

    @Test
    void funclatencyAcceptsVersionedSymbols() {
        assertEquals(new FunclatencyCommand.Target("libc", "memcpy@GLIBC_2.2.5"), target("--symbol", "libc:memcpy@GLIBC_2.2.5"));
        assertEquals(new FunclatencyCommand.Target("libc", "memcpy@@GLIBC_2.14"),
                target("--binary", "libc", "--symbol", "memcpy@@GLIBC_2.14"));
        // The BPF side takes them too (it refused '@' before).
        FuncLatencyPrograms p = new FuncLatencyPrograms(List.of(FuncLatencyPrograms.Function.user("libc",
                "memcpy@GLIBC_2.2.5")), false, java.util.Optional.empty(), 1, 1);
        assertTrue(p.entry(0).program().slotCount() > 0);
        assertTrue(p.exit(0).program().slotCount() > 0);
    }

    private static FunclatencyCommand.Target target(String... args) {
        CommandLine cl = Bpf4j.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "funclatency";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        FunclatencyCommand c = cl.getSubcommands().get("funclatency").getCommand();
        return c.target();
    }
}
