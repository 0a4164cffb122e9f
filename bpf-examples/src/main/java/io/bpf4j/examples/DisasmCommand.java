package io.bpf4j.examples;

import io.bpf4j.core.Disassembler;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j disasm}: prints raw BPF bytecode as the kernel verifier prints it
 * ({@code N: (cc) text}, N counting 8-byte slots). The input is streamed: memory stays the same
 * whatever its size. A slot that does not decode is shown as {@code .8byte} with its bytes and the
 * reason, and the listing goes on; {@code ./bpf4j asm} reads every line back.
 *
 * <pre>{@code
 * ./bpf4j disasm prog.bin                      # raw bytecode in host byte order
 * ./bpf4j disasm < prog.bin                    # standard input (also: disasm -)
 * ./bpf4j disasm --hex b7000000000000009500000000000000
 * ./bpf4j disasm --order big prog-s390x.bin
 * }</pre>
 */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassembles raw BPF bytecode into the kernel verifier's syntax.")
public final class DisasmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "raw bytecode (8 bytes per slot); - or none for standard input")
    String file;

    @Option(names = "--hex", paramLabel = "HEX", description = "bytecode as a hex string instead of a file (spaces allowed)")
    String hex;

    @Mixin
    ByteOrderOption order;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = file == null || file.equals("-") ? "<stdin>" : Cli.excerpt(file);
        try {
            if (file != null && hex != null) {
                throw new IllegalArgumentException("give a FILE or --hex HEX, not both");
            }
            Disassembler.Stats stats;
            PrintWriter out = spec.commandLine().getOut();
            BufferedWriter buffered = new BufferedWriter(out, 1 << 16);
            try (InputStream in = input()) {
                stats = Disassembler.disassemble(in, order.order(), buffered);
            }
            buffered.flush();
            out.flush();
            if (stats.slots() == 0 && stats.trailingBytes() == 0) {
                err.println("bpf4j disasm: " + name + ": empty input: no bytecode to list");
                err.flush();
                return 1;
            }
            if (stats.badSlots() > 0) {
                err.println("bpf4j disasm: " + name + ": warning: " + stats.badSlots() + " of " + stats.slots()
                        + " slots do not decode; they are listed as .8byte with the reason");
            }
            if (stats.trailingBytes() > 0) {
                err.println("bpf4j disasm: " + name + ": " + stats.trailingBytes() + " trailing bytes after slot "
                        + (stats.slots() - 1) + ": the input is not a whole number of 8-byte slots");
                err.flush();
                return 1;
            }
            err.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("bpf4j disasm: " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("bpf4j disasm: " + name + ": no such file");
        } catch (AccessDeniedException e) {
            err.println("bpf4j disasm: " + name + ": permission denied");
        } catch (IOException e) {
            err.println("bpf4j disasm: " + name + ": " + Cli.excerpt(String.valueOf(e.getMessage())));
        }
        err.flush();
        return 1;
    }

    private InputStream input() throws IOException {
        if (hex != null) {
            String digits = hex.replaceAll("\\s+", "");
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                digits = digits.substring(2);
            }
            try {
                return new ByteArrayInputStream(HexFormat.of().parseHex(digits));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--hex: not a hex string of whole bytes: " + Cli.excerpt(e.getMessage()));
            }
        }
        if (file == null || file.equals("-")) {
            return Cli.stdin();
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException(Cli.excerpt(file) + ": is a directory, not a file of bytecode");
        }
        return Files.newInputStream(p);
    }
}
