package io.bpf4j.syscall.internal;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads and writes /proc, sysfs and tracefs files the plain way: open, sequential
 * {@code read(2)} calls from offset 0, close. Some pseudo-files on this kernel answer EINVAL to
 * other patterns (positional reads, size-first reads), so no NIO channel tricks here.
 */
public final class PseudoFiles {
    private PseudoFiles() {
    }

    /** The whole file as UTF-8 text. */
    public static String read(Path path) throws IOException {
        try (InputStream in = new FileInputStream(path.toFile())) {
            byte[] buf = new byte[8192];
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The file's first line, trimmed. */
    public static String readTrimmed(Path path) throws IOException {
        return read(path).trim();
    }

    /** Writes {@code text} in one {@code write(2)}, appending (as tracefs control files expect). */
    public static void append(Path path, String text) throws IOException {
        try (OutputStream out = new FileOutputStream(path.toFile(), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
