package io.bpf4j.examples;

import io.bpf4j.core.Disassembler;
import java.io.IOException;
import java.io.PrintWriter;
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
 * ({@code N: (cc) text}, N counting 8-byte slots).
 *
 * <pre>{@code
 * ./bpf4j disasm prog.bin                      # raw bytecode in host byte order
 * ./bpf4j disasm --hex b7000000000000009500000000000000
 * ./bpf4j disasm --order big prog-s390x.bin
 * }</pre>
 */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassembles raw BPF bytecode into the kernel verifier's syntax.")
public final class DisasmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "raw bytecode (8 bytes per slot)")
    Path file;

    @Option(names = "--hex", paramLabel = "HEX", description = "bytecode as a hex string instead of a file (spaces allowed)")
    String hex;

    @Mixin
    ByteOrderOption order;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            byte[] code = input();
            spec.commandLine().getOut().print(Disassembler.disassemble(code, order.order()));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("bpf4j disasm: " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("bpf4j disasm: " + file + ": no such file");
        } catch (IOException e) {
            err.println("bpf4j disasm: " + file + ": " + e.getMessage());
        }
        err.flush();
        return 1;
    }

    private byte[] input() throws IOException {
        if ((file == null) == (hex == null)) {
            throw new IllegalArgumentException("give either a FILE or --hex HEX");
        }
        if (file != null) {
            return Files.readAllBytes(file);
        }
        String digits = hex.replaceAll("\\s+", "");
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--hex: not a hex string of whole bytes: " + e.getMessage());
        }
    }
}
