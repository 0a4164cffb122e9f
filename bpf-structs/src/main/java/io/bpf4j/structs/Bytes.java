package io.bpf4j.structs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Scalar and string access to a ByteBuffer (in the buffer's own byte order, absolute, position
 * untouched) and to a byte[] (in an explicit order). Everything here allocates nothing except the
 * String a {@code char[n]} field decodes to.
 */
final class Bytes {
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Scratch space for decoding strings out of direct buffers: a String cannot be built from a
     * direct buffer without first copying its bytes into an array, and this keeps that copy from
     * allocating per event.
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64]);

    private Bytes() {
    }

    /** The scalar at {@code pos}, widened to long: sign-extended for signed types, zero-extended otherwise. */
    static long get(ByteBuffer b, int pos, ScalarType t) {
        switch (t.bytes()) {
            case 1: return t.signed() ? b.get(pos) : b.get(pos) & 0xffL;
            case 2: return t.signed() ? b.getShort(pos) : b.getShort(pos) & 0xffffL;
            case 4: return t.signed() ? b.getInt(pos) : b.getInt(pos) & 0xffff_ffffL;
            default: return b.getLong(pos);
        }
    }

    /** Writes the low {@code t.bytes()} bytes of {@code v}. */
    static void put(ByteBuffer b, int pos, ScalarType t, long v) {
        switch (t.bytes()) {
            case 1: b.put(pos, (byte) v); break;
            case 2: b.putShort(pos, (short) v); break;
            case 4: b.putInt(pos, (int) v); break;
            default: b.putLong(pos, v); break;
        }
    }

    static long get(byte[] a, int pos, ScalarType t, boolean bigEndian) {
        switch (t.bytes()) {
            case 1: return t.signed() ? a[pos] : a[pos] & 0xffL;
            case 2: {
                short s = bigEndian ? (short) SHORT_BE.get(a, pos) : (short) SHORT_LE.get(a, pos);
                return t.signed() ? s : s & 0xffffL;
            }
            case 4: {
                int i = bigEndian ? (int) INT_BE.get(a, pos) : (int) INT_LE.get(a, pos);
                return t.signed() ? i : i & 0xffff_ffffL;
            }
            default: return bigEndian ? (long) LONG_BE.get(a, pos) : (long) LONG_LE.get(a, pos);
        }
    }

    static void put(byte[] a, int pos, ScalarType t, long v, boolean bigEndian) {
        switch (t.bytes()) {
            case 1: a[pos] = (byte) v; break;
            case 2: if (bigEndian) { SHORT_BE.set(a, pos, (short) v); } else { SHORT_LE.set(a, pos, (short) v); } break;
            case 4: if (bigEndian) { INT_BE.set(a, pos, (int) v); } else { INT_LE.set(a, pos, (int) v); } break;
            default: if (bigEndian) { LONG_BE.set(a, pos, v); } else { LONG_LE.set(a, pos, v); } break;
        }
    }

    /** Length of the C string in {@code [pos, pos + max)}: up to the first NUL, or max. */
    static int strlen(ByteBuffer b, int pos, int max) {
        for (int i = 0; i < max; i++) {
            if (b.get(pos + i) == 0) {
                return i;
            }
        }
        return max;
    }

    static int strlen(byte[] a, int pos, int max) {
        for (int i = 0; i < max; i++) {
            if (a[pos + i] == 0) {
                return i;
            }
        }
        return max;
    }

    /**
     * Recently decoded ASCII strings, direct-mapped by a hash of their bytes. Event strings repeat
     * (the same few command names over and over), so a hit returns the String already made and
     * decoding a {@code char[n]} field allocates nothing. Racy on purpose: Strings are immutable
     * and safely published, every hit is checked byte by byte, and a lost update only costs a miss.
     */
    private static final String[] STRINGS = new String[1024];
    private static final int CACHED_MAX = 64;

    /** The UTF-8 string in {@code char[max]} at {@code pos}, up to the first NUL. */
    static String string(ByteBuffer b, int pos, int max) {
        int h = 0;
        int len = 0;
        boolean ascii = true;
        for (; len < max; len++) {
            byte c = b.get(pos + len);
            if (c == 0) {
                break;
            }
            ascii &= c > 0;
            h = h * 31 + c;
        }
        if (len == 0) {
            return "";
        }
        boolean cacheable = ascii && len <= CACHED_MAX;
        int slot = (h ^ (h >>> 10)) & (STRINGS.length - 1);
        if (cacheable) {
            String hit = STRINGS[slot];
            if (hit != null && sameAscii(hit, b, pos, len)) {
                return hit;
            }
        }
        String s;
        if (b.hasArray()) {
            s = new String(b.array(), b.arrayOffset() + pos, len, StandardCharsets.UTF_8);
        } else {
            byte[] scratch = SCRATCH.get();
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, scratch.length * 2)];
                SCRATCH.set(scratch);
            }
            b.get(pos, scratch, 0, len);
            s = new String(scratch, 0, len, StandardCharsets.UTF_8);
        }
        if (cacheable) {
            STRINGS[slot] = s;
        }
        return s;
    }

    private static boolean sameAscii(String s, ByteBuffer b, int pos, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != b.get(pos + i)) {
                return false;
            }
        }
        return true;
    }

    static String string(byte[] a, int pos, int max) {
        return new String(a, pos, strlen(a, pos, max), StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of {@code s} for a {@code char[max]} field, or an error naming the field. */
    static byte[] encodeString(String s, int max, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + ": null string; use \"\" for an empty char[" + max + "]");
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > max) {
            throw new IllegalArgumentException(what + ": \"" + s + "\" is " + utf8.length
                    + " bytes in UTF-8 but char[" + max + "] holds at most " + max);
        }
        return utf8;
    }

    /** Writes {@code utf8} and NUL-fills the rest of {@code char[max]}. */
    static void putString(ByteBuffer b, int pos, byte[] utf8, int max) {
        b.put(pos, utf8, 0, utf8.length);
        for (int i = utf8.length; i < max; i++) {
            b.put(pos + i, (byte) 0);
        }
    }

    /** Writes {@code n} zero bytes at {@code pos}. */
    static void zero(ByteBuffer b, int pos, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            b.putLong(pos + i, 0L);
        }
        for (; i < n; i++) {
            b.put(pos + i, (byte) 0);
        }
    }
}
