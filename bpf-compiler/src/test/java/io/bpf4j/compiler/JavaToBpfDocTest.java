package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Keeps docs/java-to-bpf.md true: every ```java block follows a {@code <!-- snippet: FILE#TAG -->}
 * line and is exactly the region between {@code // tag::TAG[]} and {@code // end::TAG[]} of FILE
 * (a path in this module), indentation removed. The regions are code the module's tests compile
 * and run (the programs load in LoadKernelTest, differ nowhere from the JVM in
 * DifferentialKernelTest, and so on).
 *
 * <p>After changing a region: {@code ./mvnw -pl bpf-compiler test -Dtest=JavaToBpfDocTest
 * -Dbpf4j.updateDocs=true}, then read the diff.
 */
class JavaToBpfDocTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path DOC = MODULE.resolveSibling("docs").resolve("java-to-bpf.md");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->");

    @Test
    void everyJavaBlockIsATaggedRegionOfTestedCode() throws IOException {
        if (Boolean.getBoolean("bpf4j.updateDocs")) {
            Files.write(DOC, rewrite(Files.readAllLines(DOC)));
        }
        List<String> lines = Files.readAllLines(DOC);
        List<String> problems = new ArrayList<>();
        int blocks = 0;
        String marker = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (MARKER.matcher(line.trim()).matches()) {
                marker = line.trim();
                continue;
            }
            if (!line.startsWith("```")) {
                if (!line.isBlank()) {
                    marker = null;
                }
                continue;
            }
            int start = i + 1;
            String info = line.substring(3).trim();
            List<String> body = new ArrayList<>();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                body.add(lines.get(i));
            }
            if (!info.equals("java")) {
                marker = null;
                continue;                                   // shell commands, tables of output
            }
            blocks++;
            if (marker == null) {
                problems.add("java-to-bpf.md:" + start + ": a java block without <!-- snippet: FILE#TAG --> before it");
                continue;
            }
            Matcher m = MARKER.matcher(marker);
            m.matches();
            String region = DocSnippets.region(MODULE.resolve(m.group(1)), m.group(2));
            if (region == null) {
                problems.add("java-to-bpf.md:" + start + ": no tag::" + m.group(2) + "[] in " + m.group(1));
            } else if (!region.equals(String.join("\n", body))) {
                problems.add("java-to-bpf.md:" + start + ": block differs from " + m.group(1) + "#" + m.group(2)
                        + "\n--- doc:\n" + String.join("\n", body) + "\n--- code:\n" + region);
            }
            marker = null;
        }
        assertFalse(blocks == 0, "no java blocks in " + DOC);
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    private static List<String> rewrite(List<String> lines) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(lines.get(i));
            Matcher m = MARKER.matcher(lines.get(i).trim());
            if (m.matches() && i + 1 < lines.size() && lines.get(i + 1).startsWith("```")) {
                out.add(lines.get(++i));
                while (++i < lines.size() && !lines.get(i).startsWith("```")) {
                    // the old text goes
                }
                String region = DocSnippets.region(MODULE.resolve(m.group(1)), m.group(2));
                if (region != null) {
                    out.addAll(List.of(region.split("\n", -1)));
                }
                out.add("```");
            }
        }
        return out;
    }
}
