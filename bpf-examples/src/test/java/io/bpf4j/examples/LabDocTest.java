package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bpf4j.syscall.testing.DocSnippets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/lab-5-4-in-java.md from rotting: every fenced code block in it must be preceded by
 * {@code <!-- snippet: FILE#TAG -->} and be exactly the lines between {@code // tag::TAG[]} and
 * {@code // end::TAG[]} of FILE (a path in this module), indentation removed. The files are
 * compiled with the module and their code runs in tests: the lab snippets in {@link LabWalkthroughTest},
 * the tool's own code in the execsnoop end-to-end tests.
 *
 * <p>After changing a tagged region, rewrite the doc's blocks from the code with
 * {@code ./mvnw -pl bpf-examples test -Dtest=LabDocTest -Dbpf4j.updateDocs=true}, and read the diff.
 */
class LabDocTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path DOC = MODULE.resolveSibling("docs").resolve("lab-5-4-in-java.md");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->");

    record Block(int line, String marker, String info, String text) {
    }

    @Test
    void everyCodeBlockIsATaggedRegionOfCompiledCode() throws IOException {
        if (Boolean.getBoolean("bpf4j.updateDocs")) {
            rewriteBlocksFromCode();
        }
        List<Block> blocks = blocks(Files.readAllLines(DOC));
        assertFalse(blocks.isEmpty(), "no code blocks in " + DOC);
        List<String> problems = new ArrayList<>();
        for (Block b : blocks) {
            if (b.marker() == null) {
                problems.add(DOC.getFileName() + ":" + b.line() + ": code block without a <!-- snippet: FILE#TAG --> line before it");
                continue;
            }
            Matcher m = MARKER.matcher(b.marker());
            assertTrue(m.matches());
            Path file = MODULE.resolve(m.group(1));
            if (!Files.isRegularFile(file)) {
                problems.add(DOC.getFileName() + ":" + b.line() + ": " + m.group(1) + " does not exist");
                continue;
            }
            String region = DocSnippets.region(file, m.group(2));
            if (region == null) {
                problems.add(DOC.getFileName() + ":" + b.line() + ": no tag::" + m.group(2) + "[] in " + m.group(1));
            } else if (!region.equals(b.text())) {
                problems.add(DOC.getFileName() + ":" + b.line() + ": block differs from " + m.group(1) + "#" + m.group(2)
                        + "\n--- in the doc:\n" + b.text() + "\n--- in the code:\n" + region);
            }
            if (!"java".equals(b.info())) {
                problems.add(DOC.getFileName() + ":" + b.line() + ": a snippet block must be ```java");
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void coversEveryPartOfTheSeedLab() throws IOException {
        String doc = Files.readString(DOC);
        for (String heading : List.of("Task 1.1", "Task 1.2", "Task 2.1", "Task 2.2", "Task 3.1", "Task 3.2",
                "Task 4.1", "Task 4.2", "Verification", "Challenge 1", "Challenge 2", "Challenge 3", "Challenge 4")) {
            assertTrue(doc.contains("## " + heading) || doc.contains("### " + heading), "no section for " + heading);
        }
    }

    /** Replaces each marked block's text by its region's current text. */
    private static void rewriteBlocksFromCode() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            out.add(line);
            Matcher m = MARKER.matcher(line.trim());
            if (m.matches() && i + 1 < lines.size() && lines.get(i + 1).startsWith("```")) {
                String region = DocSnippets.region(MODULE.resolve(m.group(1)), m.group(2));
                out.add(lines.get(++i));
                while (++i < lines.size() && !lines.get(i).startsWith("```")) {
                    // skip the old text
                }
                if (region != null) {
                    out.addAll(List.of(region.split("\n", -1)));
                }
                out.add("```");
            }
        }
        Files.write(DOC, out);
    }

    static List<Block> blocks(List<String> lines) {
        List<Block> out = new ArrayList<>();
        String lastMarker = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (MARKER.matcher(line.trim()).matches()) {
                lastMarker = line.trim();
            } else if (line.startsWith("```")) {
                int start = i;
                List<String> body = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                    body.add(lines.get(i));
                }
                out.add(new Block(start + 1, lastMarker, line.substring(3).trim(), String.join("\n", body)));
                lastMarker = null;
            } else if (!line.isBlank()) {
                lastMarker = null; // a marker belongs to the block right after it
            }
        }
        return out;
    }

    @Test
    void regionsLoseOnlyTheirCommonIndentation() throws IOException {
        Path f = Files.createTempFile("snippet", ".java");
        Files.write(f, List.of("class X {", "    // tag::a[]", "    int x;", "", "      int y;", "    // end::a[]", "}"));
        assertEquals("int x;\n\n  int y;", DocSnippets.region(f, "a"));
        Files.delete(f);
    }
}
