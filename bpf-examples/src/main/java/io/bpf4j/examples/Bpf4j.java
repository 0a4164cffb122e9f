package io.bpf4j.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./bpf4j} command line: one picocli subcommand per tool.
 *
 * <pre>{@code
 * ./bpf4j execsnoop --json
 * ./bpf4j funclatency --symbol libc:getaddrinfo
 * ./bpf4j disasm prog.bin
 * }</pre>
 *
 * A tool that fails prints one line, {@code bpf4j <tool>: <what went wrong>}, and exits with 1
 * (2 for a bad option value, as for other usage errors); {@code BPF4J_DEBUG=1} adds the stack
 * trace.
 */
@Command(name = "bpf4j", mixinStandardHelpOptions = true, version = "bpf4j 0.1.0-SNAPSHOT",
        description = "Pure-Java eBPF tools.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DisasmCommand.class,
            AsmCommand.class,
            BenchCommand.class,
            ExecsnoopCommand.class,
            FunclatencyCommand.class,
            io.bpf4j.examples.profile.ProfileCommand.class,
            io.bpf4j.examples.net.XdpCountCommand.class,
            io.bpf4j.examples.net.FirewallCommand.class,
            io.bpf4j.examples.lsm.ExecGuardCommand.class,
        })
public final class Bpf4j implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests that run subcommands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Bpf4j());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Bpf4j::oneLineError);
        return cl;
    }

    /** A failure is one line for the user; the stack trace only on request. */
    private static int oneLineError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        // Messages may quote names from the traced system (files, symbols): escaped, they stay one line.
        cmd.getErr().println("bpf4j " + cmd.getCommandName() + ": " + TerminalText.escape(describe(e)));
        if ("1".equals(System.getenv("BPF4J_DEBUG"))) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return e instanceof CliValues.BadValue ? 2 : 1;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Without a tool: the usage with the list of tools, on stderr, and exit 2 (a usage error). */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("bpf4j: which tool? (./bpf4j <tool> --help for its options)");
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().flush();
        return 2;
    }
}
