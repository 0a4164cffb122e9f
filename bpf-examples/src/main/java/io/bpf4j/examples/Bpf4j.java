package io.bpf4j.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./bpf4j} command line: one picocli subcommand per tool.
 *
 * <pre>{@code
 * ./bpf4j execsnoop --json
 * ./bpf4j disasm prog.bin
 * }</pre>
 */
@Command(name = "bpf4j", mixinStandardHelpOptions = true, version = "bpf4j 0.1.0-SNAPSHOT",
        description = "Pure-Java eBPF tools.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchCommand.class,
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
        return new CommandLine(new Bpf4j());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
