package io.bpf4j.structs.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.structs.btf.KernelFiles;
import io.bpf4j.structs.btf.KernelFilesCondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The running kernel's tracepoint format files (tracefs, mounted by the condition when needed). */
@KernelFiles(tracefs = true)
class KernelTracepointTest {
    private static final Path EVENTS = KernelFilesCondition.TRACEFS.resolve("events");
    /** Each field line, read with a regular expression independent of the parser. */
    private static final Pattern FIELD = Pattern.compile(
            "field:(.*?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d+);");

    private static void assertMatchesFile(String text, TracepointFormat f) {
        Matcher m = FIELD.matcher(text);
        int i = 0;
        while (m.find()) {
            TracepointField field = f.fields().get(i++);
            assertEquals(m.group(1), field.declaration());
            assertEquals(Integer.parseInt(m.group(2)), field.offset(), field.name());
            assertEquals(Integer.parseInt(m.group(3)), field.size(), field.name());
            assertEquals(!m.group(4).equals("0"), field.signed(), field.name());
        }
        assertEquals(i, f.fields().size());
    }

    @Test
    void schedProcessExecParsesWithTheOffsetsInTheFile() throws IOException {
        Path file = EVENTS.resolve("sched/sched_process_exec/format");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        TracepointFormat f = TracepointFormat.load(file);
        assertMatchesFile(text, f);
        assertEquals(TracepointField.Kind.DATA_LOC, f.field("filename").kind());
        assertTrue(f.field("filename").isString());
        System.out.println("sched_process_exec: filename @" + f.field("filename").offset() + ", pid @"
                + f.field("pid").offset() + ", id " + f.id());
    }

    @Test
    void everyTracepointFormatOfThisKernelParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(EVENTS, 3)) {
            files = s.filter(p -> p.getFileName().toString().equals("format")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() > 100, "only " + files.size() + " format files under " + EVENTS);
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            TracepointFormat f;
            try {
                f = TracepointFormat.parse(text);
            } catch (RuntimeException e) {
                throw new AssertionError(file + ": " + e.getMessage(), e);
            }
            assertEquals(file.getParent().getFileName().toString(), f.name(), file.toString());
            assertMatchesFile(text, f);
            assertEquals(f.size(), f.layout().size(), file.toString());
        }
        System.out.println(files.size() + " tracepoint format files parsed");
    }
}
