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
        assertEquals(1000, c.uid);
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
    void funclatencyWithoutABinaryIsAUsageError() {
        Result r = run("funclatency", "--symbol", "getaddrinfo");
        assertEquals(2, r.exit);
        assertTrue(r.err.startsWith("which binary? give --binary PATH|LIB or --symbol LIB:getaddrinfo"), r.err);
        Result clash = run("funclatency", "--binary", "libm", "--symbol", "libc:malloc");
        assertEquals(2, clash.exit);
        assertTrue(clash.err.contains("give one of them"), clash.err);
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
