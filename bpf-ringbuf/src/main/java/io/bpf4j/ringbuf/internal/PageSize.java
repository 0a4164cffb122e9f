package io.bpf4j.ringbuf.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's page size, from the auxiliary vector the kernel gave this process
 * ({@code /proc/self/auxv}, {@code AT_PAGESZ} = 6 in {@code include/uapi/linux/auxvec.h}); Java
 * has no public API for it and ring-buffer mmap offsets are in pages.
 */
public final class PageSize {
    private static final long AT_NULL = 0;
    private static final long AT_PAGESZ = 6;
    private static final int SIZE = read();

    private PageSize() {
    }

    /** The page size in bytes. */
    public static int get() {
        return SIZE;
    }

    private static int read() {
        byte[] auxv;
        try {
            auxv = Files.readAllBytes(Path.of("/proc/self/auxv"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the page size from /proc/self/auxv: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(auxv).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == AT_PAGESZ) {
                return (int) value;
            }
            if (type == AT_NULL) {
                break;
            }
        }
        throw new IllegalStateException("no AT_PAGESZ entry in /proc/self/auxv");
    }
}
