package io.bpf4j.syscall.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Per-thread direct buffers that carry keys and values to the kernel, so a map operation
 * allocates no native memory. Slot numbers keep concurrent uses in one call apart.
 */
public final class Direct {
    /** Slots: key, value, second key (next key / batch cursor), second cursor. */
    public static final int KEY = 0, VALUE = 1, KEY2 = 2, CURSOR = 3;

    private static final ThreadLocal<ByteBuffer[]> BUFFERS = ThreadLocal.withInitial(() -> new ByteBuffer[4]);

    private Direct() {
    }

    /** A direct buffer of exactly {@code size} bytes (position 0, limit size), contents undefined. */
    public static ByteBuffer slot(int slot, int size) {
        ByteBuffer[] all = BUFFERS.get();
        ByteBuffer b = all[slot];
        if (b == null || b.capacity() < size) {
            b = ByteBuffer.allocateDirect(Math.max(64, Integer.highestOneBit(Math.max(1, size - 1)) << 1))
                    .order(ByteOrder.nativeOrder());
            all[slot] = b;
        }
        b.clear().limit(size);
        return b;
    }

    /** {@code bytes} copied into slot {@code slot}. */
    public static ByteBuffer of(int slot, byte[] bytes) {
        ByteBuffer b = slot(slot, bytes.length);
        b.put(0, bytes, 0, bytes.length);
        return b;
    }

    /** The remaining bytes of {@code src} in slot {@code slot} (or {@code src} itself when direct). */
    public static ByteBuffer of(int slot, ByteBuffer src) {
        if (src.isDirect()) {
            return src;
        }
        ByteBuffer b = slot(slot, src.remaining());
        b.put(0, src, src.position(), src.remaining());
        return b;
    }

    /** A fresh copy of the buffer's first {@code n} bytes. */
    public static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(0, out, 0, n);
        return out;
    }

    /** Like {@link #slot} but zero-filled: for info structs the kernel fills only in part. */
    public static ByteBuffer zeroed(int slot, int size) {
        ByteBuffer b = slot(slot, size);
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) 0);
        }
        return b;
    }

    /** The NUL-terminated ASCII string of at most {@code max} bytes at {@code offset} (object names in info structs). */
    public static String cString(ByteBuffer b, int offset, int max) {
        byte[] raw = new byte[max];
        b.get(offset, raw, 0, max);
        int len = 0;
        while (len < max && raw[len] != 0) {
            len++;
        }
        return new String(raw, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
