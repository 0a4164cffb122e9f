package io.bpf4j.examples;

import io.bpf4j.core.TextAssembler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j asm}: assembles text in the verifier's syntax (what {@code disasm} prints, with
 * or without its {@code N: (cc)} prefixes, plus {@code name:} labels) into raw bytecode.
 *
 * <pre>{@code
 * ./bpf4j asm prog.s -o prog.bin
 * ./bpf4j asm - -o prog.bin < prog.s        # text from standard input
 * }</pre>
 */
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = "Assembles BPF text in the kernel verifier's syntax into raw bytecode.")
public final class AsmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "assembly text, or - for standard input")
    String file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "where to write the bytecode")
    Path output;

    @Mixin
    ByteOrderOption order;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            String text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
            byte[] code = TextAssembler.assemble(text, order.order());
            Files.write(output, code);
            spec.commandLine().getOut().println(output + ": " + code.length / 8 + " slots (" + code.length + " bytes)");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("bpf4j asm: " + (file.equals("-") ? "<stdin>" : file) + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("bpf4j asm: " + e.getFile() + ": no such file");
        } catch (IOException e) {
            err.println("bpf4j asm: " + e.getMessage());
        }
        err.flush();
        return 1;
    }
}
