package io.bpf4j.structs;

import io.bpf4j.core.Size;

/**
 * The C scalar types a struct field can have: the kernel's {@code __u8 … __s64} and {@code char}.
 * Each has a width, a signedness and the {@link Size} of a BPF load or store of it.
 *
 * <pre>{@code
 * ScalarType.U32.bytes();     // 4
 * ScalarType.S16.cName();     // "__s16"
 * ScalarType.U64.size();      // Size.DW
 * StructLayout.builder("Counters").array("vals", ScalarType.U32, 4).build();
 * }</pre>
 */
public enum ScalarType {
    /** {@code __u8}. */
    U8(1, false, "__u8"),
    /** {@code __u16}. */
    U16(2, false, "__u16"),
    /** {@code __u32}. */
    U32(4, false, "__u32"),
    /** {@code __u64}. */
    U64(8, false, "__u64"),
    /** {@code __s8}. */
    S8(1, true, "__s8"),
    /** {@code __s16}. */
    S16(2, true, "__s16"),
    /** {@code __s32}. */
    S32(4, true, "__s32"),
    /** {@code __s64}. */
    S64(8, true, "__s64"),
    /**
     * {@code char}: one byte, read unsigned. (C leaves its sign to the ABI: signed on x86-64,
     * unsigned on arm64; a {@code char[n]} field is a byte string, so the sign never matters.)
     */
    CHAR(1, false, "char");

    private final int bytes;
    private final boolean signed;
    private final String cName;

    ScalarType(int bytes, boolean signed, String cName) {
        this.bytes = bytes;
        this.signed = signed;
        this.cName = cName;
    }

    /** Width in bytes, also its natural alignment. */
    public int bytes() {
        return bytes;
    }

    /** True for {@code __s8 … __s64}. */
    public boolean signed() {
        return signed;
    }

    /** The type's name in C: {@code __u32}, {@code char}. */
    public String cName() {
        return cName;
    }

    /** The width of a BPF load or store of this type. */
    public Size size() {
        return Size.ofBytes(bytes);
    }

    /** The short name used in messages and in the builder: {@code u32}, {@code char}. */
    public String shortName() {
        return name().toLowerCase();
    }

    /** Smallest value a field of this type holds. */
    long min() {
        return signed ? -(1L << (bytes * 8 - 1)) : 0;
    }

    /**
     * True if {@code v} fits this field either as a signed or an unsigned number of its width,
     * so raw bit patterns ({@code 0xffffffff} or {@code -1} for a {@code __u32}) are both accepted.
     */
    boolean accepts(long v) {
        if (bytes == 8) {
            return true;
        }
        int bits = bytes * 8;
        return v >= -(1L << (bits - 1)) && v < (1L << bits);
    }
}
