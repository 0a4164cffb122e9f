package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Symbols and versions of this machine's libc, against binutils' {@code readelf --dyn-syms -W}. */
class ElfSymbolsTest {

    private static List<String[]> readelf(Path lib) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("readelf", "--dyn-syms", "-W", lib.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            System.err.println("SKIP ElfSymbolsTest: readelf not runnable (" + e.getMessage() + ")");
            assumeTrue(false, "readelf absent");
            return List.of();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // Num: Value Size Type Bind Vis Ndx Name
            if (f.length >= 8 && f[0].endsWith(":") && (f[3].equals("FUNC") || f[3].equals("IFUNC"))
                    && !f[6].equals("UND")) {
                rows.add(f);
            }
        }
        return rows;
    }

    @Test
    void libcFunctionSymbolsVersionsAndIfuncsMatchReadelf() throws Exception {
        Path libc = Libraries.resolve("libc");
        List<String[]> rows = readelf(libc);
        ElfSymbols elf = ElfSymbols.read(libc);
        int checked = 0;
        for (String[] r : rows) {
            String full = r[7];
            long value = Long.parseUnsignedLong(r[1], 16);
            List<ElfSymbols.Symbol> found = elf.find(full);
            assertFalse(found.isEmpty(), full);
            assertTrue(found.stream().anyMatch(s -> s.value() == value
                    && (s.type() == ElfSymbols.STT_GNU_IFUNC) == r[3].equals("IFUNC")), full);
            checked++;
        }
        assertTrue(checked > 500, "only " + checked + " functions in " + libc);
    }

    @Test
    void fileOffsetsFollowTheLoadSegments() throws Exception {
        Path libc = Libraries.resolve("libc");
        ElfSymbols elf = ElfSymbols.read(libc);
        for (ElfSymbols.Segment s : elf.segments()) {
            assertEquals(s.offset(), elf.fileOffset(s.vaddr()));
            assertEquals(s.vaddr(), elf.vaddrOf(s.offset()));
        }
        assertEquals(-1, elf.fileOffset(-4096L));
    }

    @Test
    void ldSoCacheNamesLibcWhenTheCacheExists() {
        assumeTrue(Files.exists(Path.of("/etc/ld.so.cache")), "no /etc/ld.so.cache");
        Path p = Libraries.fromLdCache("libc");
        assertTrue(p != null && p.getFileName().toString().startsWith("libc.so"), String.valueOf(p));
        assertTrue(Libraries.matches("libc.so.6", "libc"));
        assertTrue(Libraries.matches("libc-2.31.so", "libc"));
        assertFalse(Libraries.matches("libcrypt.so.1", "libc"));
    }
}
