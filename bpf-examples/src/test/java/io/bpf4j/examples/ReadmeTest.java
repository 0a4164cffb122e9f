package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README promises two set-up commands, lists every tool, and shows Java that compiles. */
class ReadmeTest {
    private static final Path README = Path.of("").toAbsolutePath().resolveSibling("README.md");

    @Test
    void setUpIsExactlyTheTwoCommands() throws IOException {
        List<LabDocTest.Block> blocks = LabDocTest.blocks(Files.readAllLines(README));
        List<String> commands = blocks.get(0).text().lines()
                .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).collect(Collectors.toList());
        assertEquals(List.of("./bpf4j execsnoop", "./mvnw verify"), commands);
    }

    @Test
    void everySubcommandIsListed() throws IOException {
        String readme = Files.readString(README);
        for (String name : Bpf4j.commandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertTrue(readme.contains("| `./bpf4j " + name + "` |"), "README's tool table lacks " + name);
            }
        }
    }

    @Test
    void theLibraryExampleCompilesAgainstThePublicApi(@TempDir Path out) throws IOException, InterruptedException {
        List<LabDocTest.Block> java = LabDocTest.blocks(Files.readAllLines(README)).stream()
                .filter(b -> b.info().equals("java")).collect(Collectors.toList());
        assertEquals(1, java.size(), "README's java blocks");
        String source = "import static io.bpf4j.core.Reg.*;\n"
                + "import io.bpf4j.kprobe.*;\nimport io.bpf4j.ringbuf.*;\nimport io.bpf4j.structs.*;\n"
                + "import io.bpf4j.syscall.*;\nimport java.time.Duration;\n"
                + "class ReadmeExample {\n  void run() {\n" + java.get(0).text() + "\n  }\n}\n";
        Path file = out.resolve("ReadmeExample.java");
        Files.writeString(file, source);
        // javac as a child process: the test runs inside the examples module, which does not read java.compiler.
        Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-classpath", System.getProperty("java.class.path"), "-d", out.toString(), file.toString())
                .redirectErrorStream(true).start();
        String diagnostics = new String(javac.getInputStream().readAllBytes());
        boolean ok = javac.waitFor() == 0;
        assertTrue(ok, diagnostics + "\n" + source);
    }
}
