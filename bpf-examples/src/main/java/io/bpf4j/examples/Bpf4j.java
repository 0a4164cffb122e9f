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
 * A tool that fails prints one line, {@code bpf4j <tool>: <what went wrong>}, and exits with 1;
 * {@code BPF4J_DEBUG=1} adds the stack trace.
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
        })
public final class Bpf4j implements Runnable {
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
        cmd.getErr().println("bpf4j " + cmd.getCommandName() + ": " + describe(e));
        if ("1".equals(System.getenv("BPF4J_DEBUG"))) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return 1;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
