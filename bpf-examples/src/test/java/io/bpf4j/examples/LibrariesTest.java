package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LibrariesTest {
    @Test
    void libcByNameIsTheRealLibraryNotTheLinkerScript() throws IOException {
        for (String name : new String[] {"libc", "c"}) {
            Path p = Libraries.resolve(name);
            assertTrue(p.getFileName().toString().startsWith("libc.so."), p.toString());
            byte[] magic = new byte[4];
            System.arraycopy(Files.readAllBytes(p), 0, magic, 0, 4);
            assertEquals(0x7f, magic[0]);
        }
    }

    @Test
    void aPathIsTakenAsIs() throws IOException {
        Path sh = Path.of("/bin/sh");
        assertEquals(sh, Libraries.resolve("/bin/sh"));
    }

    @Test
    void anUnknownLibraryIsAnErrorThatSaysWhatToDo() {
        IOException e = assertThrows(IOException.class, () -> Libraries.resolve("libbpf4j-no-such-lib"));
        assertTrue(e.getMessage().contains("give its path with --binary"), e.getMessage());
    }
}
