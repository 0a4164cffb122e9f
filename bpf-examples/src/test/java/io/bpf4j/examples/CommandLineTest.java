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
