package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Assembly that kernel and LLVM developers wrote, against the bytes llvm-mc 19 makes of it
 * (src/test/resources/corpus: the inline asm of the kernel's verifier selftests and LLVM's BPF MC
 * tests, with source, commit and llvm-mc version in each file's header and the scripts that made
 * them beside). For every block: {@code asm(text) == llvm bytes}, and
 * {@code asm(disasm(bytes)) == bytes}. Skipped blocks carry their reason in the corpus and are
 * counted by reason.
 */
class ConformanceCorpusTest {
    /** Verifier tests contain what programs should not (dead r10 writes, division by 0): allow every rule. */
    private static final TextAssembler.Options OPTIONS = TextAssembler.Options.DEFAULT.allowAll();

    record Block(String corpus, String name, String text, String hex, String skip) {
        int instructions() {
            return hex == null ? 0 : hex.replace(" ", "").length() / 16;
        }
    }

    static List<Block> blocks(String resource) {
        InputStream in = ConformanceCorpusTest.class.getResourceAsStream("/corpus/" + resource);
        if (in == null) {
            throw new IllegalStateException("corpus " + resource + " missing from the test resources");
        }
        List<Block> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder text = new StringBuilder();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") && name == null) {
                    continue;
                }
                if (line.startsWith("=== ")) {
                    name = line.substring(4);
                    text.setLength(0);
                } else if (line.startsWith("!skip ")) {
                    out.add(new Block(resource, name, null, null, line.substring(6)));
                } else if (line.startsWith("--- ")) {
                    out.add(new Block(resource, name, text.toString(), line.substring(4), null));
                } else {
                    text.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<Block> all() {
        List<Block> out = new ArrayList<>(blocks("kernel-selftests.corpus"));
        out.addAll(blocks("llvm-mc-tests.corpus"));
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String spaced(String hex) {
        return hex.replace(" ", "");
    }

    @TestFactory
    Stream<DynamicTest> everyBlockAssemblesToLlvmsBytes() {
        return all().stream().filter(b -> b.skip() == null).map(b -> DynamicTest.dynamicTest(b.name(), () ->
                assertEquals(spaced(b.hex()), hex(TextAssembler.assemble(b.text(), ByteOrder.LITTLE_ENDIAN, OPTIONS).bytecode()),
                        "asm of\n" + b.text())));
    }

    @TestFactory
    Stream<DynamicTest> everyBlockSurvivesDisassemblyAndReassembly() {
        return all().stream().filter(b -> b.skip() == null).map(b -> DynamicTest.dynamicTest(b.name(), () -> {
            byte[] code = HexFormat.of().parseHex(spaced(b.hex()));
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                byte[] ordered = order == ByteOrder.LITTLE_ENDIAN ? code
                        : InstructionCodec.encode(InstructionCodec.decodeLenient(code, ByteOrder.LITTLE_ENDIAN), order);
                String listing = Disassembler.disassemble(ordered, order);
                assertEquals(hex(ordered), hex(TextAssembler.assemble(listing, order, OPTIONS).bytecode()),
                        order + " listing\n" + listing);
            }
        }));
    }

    @Test
    void corpusIsLargeAndItsSkipsAreCounted() {
        List<Block> all = all();
        Map<String, Integer> skips = new TreeMap<>();
        int used = 0;
        int insns = 0;
        for (Block b : all) {
            if (b.skip() != null) {
                skips.merge(b.corpus() + ": " + b.skip(), 1, Integer::sum);
            } else {
                used++;
                insns += b.instructions();
            }
        }
        System.out.println("conformance corpus: " + all.size() + " blocks, " + used + " assembled (" + insns
                + " instruction slots), skipped by reason:");
        skips.forEach((reason, n) -> System.out.println("  " + n + "  " + reason));
        assertTrue(used >= 400, "only " + used + " blocks usable");
        assertTrue(insns >= 3000, "only " + insns + " slots");
    }
}
