package io.bpf4j.examples;

import io.bpf4j.core.Lint;
import io.bpf4j.core.TextAssembler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j asm}: assembles text into raw bytecode: the verifier's syntax (what
 * {@code disasm} prints, with or without its {@code N: (cc)} prefixes) and LLVM's (what clang's
 * inline assembly and llvm-objdump use), with {@code name:} and GNU numeric {@code 1:} labels.
 * What the verifier judges (a jump outside the program, no final exit) is a warning unless
 * {@code --strict}; instructions a program should not contain (a write to r10, division by the
 * immediate 0, a shift beyond the width, {@code .8byte}) are errors unless {@code --allow RULE}.
 *
 * <pre>{@code
 * ./bpf4j asm prog.s -o prog.bin
 * ./bpf4j asm - -o - < prog.s > prog.bin      # standard input to standard output
 * ./bpf4j asm --allow division-by-zero --allow writes-frame-pointer test.s -o test.bin
 * }</pre>
 */
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = "Assembles BPF text (the kernel verifier's or LLVM's syntax) into raw bytecode.")
public final class AsmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "assembly text, or - for standard input")
    String file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "where to write the bytecode; - for standard output (the status then goes to standard error)")
    String output;

    @Option(names = "--strict", description = "make warnings (jump targets outside the program, no final exit) errors")
    boolean strict;

    @Option(names = "--allow", paramLabel = "RULE",
            description = "accept instructions that break RULE on purpose (repeatable): writes-frame-pointer,"
                    + " division-by-zero, shift-out-of-range, raw-slot, or all")
    List<String> allow = new ArrayList<>();

    @Mixin
    ByteOrderOption order;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = file.equals("-") ? "<stdin>" : Cli.excerpt(file);
        try {
            TextAssembler.Options options = TextAssembler.Options.DEFAULT.strict(strict);
            for (String rule : allow) {
                options = rule.equalsIgnoreCase("all") ? options.allowAll() : options.allow(Lint.Rule.byId(rule));
            }
            String text = file.equals("-") ? new String(Cli.stdin().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
            if (text.isBlank()) {
                err.println("bpf4j asm: " + name + ": empty input: no instructions to assemble");
                err.flush();
                return 1;
            }
            TextAssembler.Result result = TextAssembler.assemble(text, order.order(), options);
            for (String w : result.warnings()) {
                err.println("bpf4j asm: " + name + ": warning: " + w);
            }
            byte[] code = result.bytecode();
            String status = code.length / 8 + " slots (" + code.length + " bytes)";
            if (output.equals("-")) {
                OutputStream out = Cli.stdout();
                out.write(code);
                out.flush();
                err.println("bpf4j asm: <stdout>: " + status);
            } else {
                Files.write(Path.of(output), code);
                spec.commandLine().getOut().println(Cli.excerpt(output) + ": " + status);
                spec.commandLine().getOut().flush();
            }
            err.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("bpf4j asm: " + name + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("bpf4j asm: " + Cli.excerpt(e.getFile()) + ": no such file");
        } catch (AccessDeniedException e) {
            err.println("bpf4j asm: " + Cli.excerpt(e.getFile()) + ": permission denied");
        } catch (IOException e) {
            err.println("bpf4j asm: " + Cli.excerpt(String.valueOf(e.getMessage())));
        }
        err.flush();
        return 1;
    }
}
