package io.bpf4j.syscall.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tagged regions of source files that documentation blocks must equal, for the tests that
 * keep docs/*.md compiled: {@code // tag::NAME[]} ... {@code // end::NAME[]}.
 *
 * <pre>{@code
 * String code = DocSnippets.region(Path.of("src/test/java/.../Programs.java"), "exec");
 * }</pre>
 */
public final class DocSnippets {
    private DocSnippets() {
    }

    /**
     * The lines between the tag markers, their common indentation removed; null if the file or
     * the tag does not exist.
     */
    public static String region(Path file, String tag) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file);
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.equals("// tag::" + tag + "[]")) {
                from = i + 1;
            } else if (t.equals("// end::" + tag + "[]") && from >= 0) {
                List<String> body = lines.subList(from, i);
                int indent = body.stream().filter(l -> !l.isBlank())
                        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
                List<String> out = new ArrayList<>();
                for (String l : body) {
                    out.add(l.isBlank() ? "" : l.substring(indent));
                }
                return String.join("\n", out);
            }
        }
        return null;
    }
}
