package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README promises two set-up commands and lists every tool. */
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
}
