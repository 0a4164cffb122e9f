package io.bpf4j.core;

/**
 * Width of a memory access, with its size bits in the opcode byte ({@code BPF_W}=0x00,
 * {@code BPF_H}=0x08, {@code BPF_B}=0x10, {@code BPF_DW}=0x18) and the C type the verifier prints.
 *
 * <pre>{@code
 * Size.W.bytes();   // 4
 * Size.W.cType();   // "u32"
 * }</pre>
 */
public enum Size {
    /** 32 bits. */
    W(0x00, 4, "u32", "s32"),
    /** 16 bits. */
    H(0x08, 2, "u16", "s16"),
    /** 8 bits. */
    B(0x10, 1, "u8", "s8"),
    /** 64 bits. */
    DW(0x18, 8, "u64", "s64");

    private final int code;
    private final int bytes;
    private final String cType;
    private final String signedCType;

    Size(int code, int bytes, String cType, String signedCType) {
        this.code = code;
        this.bytes = bytes;
        this.cType = cType;
        this.signedCType = signedCType;
    }

    /** The size bits of the opcode byte. */
    public int code() {
        return code;
    }

    /** Width in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Unsigned C type name: {@code u8}, {@code u16}, {@code u32}, {@code u64}. */
    public String cType() {
        return cType;
    }

    /** Signed C type name: {@code s8} … {@code s64}. */
    public String signedCType() {
        return signedCType;
    }

    /** The size with this width in bytes (1, 2, 4, 8). */
    public static Size ofBytes(int bytes) {
        switch (bytes) {
            case 1: return B;
            case 2: return H;
            case 4: return W;
            case 8: return DW;
            default: throw new IllegalArgumentException("no BPF access of " + bytes + " bytes: expected 1, 2, 4 or 8");
        }
    }

    /** The size whose opcode bits are {@code code & 0x18}. */
    public static Size ofCode(int code) {
        switch (code & 0x18) {
            case 0x00: return W;
            case 0x08: return H;
            case 0x10: return B;
            default: return DW;
        }
    }
}
