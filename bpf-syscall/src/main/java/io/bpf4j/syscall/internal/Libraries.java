package io.bpf4j.syscall.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a binary or shared library from a short name ({@code "libc"}, {@code "libssl.so.3"},
 * {@code "bash"}): first among the files this process has mapped (so a probe lands in the copy
 * that runs here), then in {@code /etc/ld.so.cache}, then in the standard library directories,
 * then, for names that are not libraries, on {@code PATH}.
 */
public final class Libraries {
    private static final String[] DIRS = {
        "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib", "/usr/local/lib"
    };

    private Libraries() {
    }

    /** The file for {@code nameOrPath}: a path (containing '/') is returned as is. */
    public static Path resolve(String nameOrPath) throws IOException {
        if (nameOrPath.contains("/")) {
            Path p = Path.of(nameOrPath);
            ElfSymbols.requireRegularFile(p);
            return p;
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(nameOrPath);
        if (!nameOrPath.startsWith("lib")) {
            candidates.add("lib" + nameOrPath);
        }
        for (String name : candidates) {
            Path p = fromMaps(name);
            if (p == null) {
                p = fromLdCache(name);
            }
            if (p == null) {
                p = fromDirs(name);
            }
            if (p != null) {
                return p;
            }
        }
        if (!nameOrPath.startsWith("lib")) {
            String pathEnv = System.getenv("PATH");
            if (pathEnv != null) {
                for (String dir : pathEnv.split(":")) {
                    Path p = Path.of(dir.isEmpty() ? "." : dir, nameOrPath);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return p;
                    }
                }
            }
        }
        throw new IOException("cannot find a binary or library named '" + nameOrPath
                + "' (looked in this process's mappings, /etc/ld.so.cache, " + String.join(", ", DIRS) + " and PATH)");
    }

    /** True if {@code file} (e.g. "libc.so.6" or "libc-2.31.so") is what short name {@code name} means. */
    static boolean matches(String file, String name) {
        return file.equals(name) || file.startsWith(name + ".so") || (file.startsWith(name + "-") && file.contains(".so"));
    }

    private static Path fromMaps(String name) {
        for (ProcMaps.Mapping m : ProcMaps.self()) {
            if (m.path() != null && m.path().startsWith("/")) {
                String file = m.path().substring(m.path().lastIndexOf('/') + 1);
                if (matches(file, name)) {
                    Path p = Path.of(m.path());
                    if (Files.isRegularFile(p)) {
                        return p;
                    }
                }
            }
        }
        return null;
    }

    private static Path fromDirs(String name) {
        for (String dir : DIRS) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var s = Files.list(d)) {
                Path found = s.filter(p -> matches(p.getFileName().toString(), name) && Files.isRegularFile(p))
                        .sorted().findFirst().orElse(null);
                if (found != null) {
                    return found;
                }
            } catch (IOException e) {
                // An unreadable directory is simply not a match.
            }
        }
        return null;
    }

    /**
     * Looks {@code name} up in {@code /etc/ld.so.cache} (the "glibc-ld.so.cache1.1" format: a
     * 48-byte header with the entry count at 20, then 24-byte entries {@code flags, key, value,
     * osversion, hwcap} whose key and value are offsets of NUL-terminated strings from the file's
     * start; glibc {@code elf/cache.c}).
     */
    static Path fromLdCache(String name) {
        byte[] all;
        try {
            all = Files.readAllBytes(Path.of("/etc/ld.so.cache"));
        } catch (IOException e) {
            return null;
        }
        String magic = "glibc-ld.so.cache1.1";
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        int base = indexOf(all, m);
        if (base < 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.nativeOrder());
        int n = b.getInt(base + 20);
        int entries = base + 48;
        for (int i = 0; i < n && entries + (i + 1) * 24 <= all.length; i++) {
            int e = entries + i * 24;
            String key = cString(all, base + Integer.toUnsignedLong(b.getInt(e + 4)));
            String value = cString(all, base + Integer.toUnsignedLong(b.getInt(e + 8)));
            if (matches(key, name) && Files.isRegularFile(Path.of(value))) {
                return Path.of(value);
            }
        }
        return null;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String cString(byte[] b, long offset) {
        if (offset < 0 || offset >= b.length) {
            return "";
        }
        int at = (int) offset;
        int end = at;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }
}
