package io.bpf4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the file a uprobe goes into: a path as given, or a library by name ({@code libc},
 * {@code c}, {@code libssl.so.3}) in the usual library directories, as the dynamic loader would.
 *
 * <pre>{@code
 * Libraries.resolve("libc");     // /usr/lib/x86_64-linux-gnu/libc.so.6 on Debian
 * Libraries.resolve("./a.out");  // ./a.out
 * }</pre>
 */
public final class Libraries {
    private static final List<String> DIRS = List.of(
            "/lib/" + multiarch(), "/usr/lib/" + multiarch(), "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            "/usr/local/lib");

    private Libraries() {
    }

    /** The ELF file for {@code pathOrName}. */
    public static Path resolve(String pathOrName) throws IOException {
        if (pathOrName.contains("/")) {
            Path p = Path.of(pathOrName);
            if (!Files.isRegularFile(p)) {
                throw new IOException(pathOrName + ": no such file");
            }
            return p;
        }
        String base = pathOrName.startsWith("lib") ? pathOrName : "lib" + pathOrName;
        List<Path> found = new ArrayList<>();
        for (String dir : DIRS) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                files.filter(f -> matches(f.getFileName().toString(), base)).filter(Libraries::isElf).forEach(found::add);
            }
            if (!found.isEmpty()) {
                break;
            }
        }
        // The shortest name is the one the loader uses (libc.so.6 rather than libc.so.6.debug).
        return found.stream().min(Comparator.comparingInt((Path f) -> f.getFileName().toString().length()))
                .orElseThrow(() -> new IOException("library " + pathOrName + " not found in " + DIRS
                        + ": give its path with --binary"));
    }

    private static boolean matches(String file, String base) {
        return file.equals(base) || file.startsWith(base + ".so");
    }

    /** A linker script such as /usr/lib/x86_64-linux-gnu/libc.so is text, not a library. */
    private static boolean isElf(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    private static String multiarch() {
        String arch = System.getProperty("os.arch");
        return ("amd64".equals(arch) || "x86_64".equals(arch) ? "x86_64" : "aarch64".equals(arch) ? "aarch64" : arch)
                + "-linux-gnu";
    }
}
