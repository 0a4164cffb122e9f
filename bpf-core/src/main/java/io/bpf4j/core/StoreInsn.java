package io.bpf4j.core;

/**
 * A memory store: {@code *(u32 *)(dst + off) = src} (class STX) or {@code = imm} (class ST,
 * {@code src == null}).
 *
 * <pre>{@code
 * new StoreInsn(Size.DW, Reg.R10, -8, Reg.R1, 0);   // *(u64 *)(r10 -8) = r1
 * new StoreInsn(Size.W, Reg.R0, 12, null, 7);       // *(u32 *)(r0 +12) = 7
 * }</pre>
 *
 * @param size access width
 * @param dst base address register
 * @param off signed 16-bit displacement
 * @param src value register, or null for the immediate form
 * @param imm value for the immediate form (0 when {@code src} is given)
 */
public record StoreInsn(Size size, Reg dst, int off, Reg src, int imm) implements Instruction {
    public StoreInsn {
        if (size == null) {
            throw new IllegalArgumentException("store: size missing");
        }
        String what = NAMES[(src != null ? 4 : 0) + size.ordinal()];   // precomputed: no allocation per instruction
        Checks.present(dst, "base", what);
        Checks.s16(off, what);
        if (src != null && imm != 0) {
            throw new IllegalArgumentException(what + ": imm " + imm + " given with a source register: expected 0");
        }
    }

    private static final String[] NAMES = new String[8];

    static {
        for (Size size : Size.values()) {
            NAMES[size.ordinal()] = "st" + size.name().toLowerCase(java.util.Locale.ROOT);
            NAMES[4 + size.ordinal()] = "stx" + size.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public Kind kind() {
        return Kind.STORE;
    }

    @Override
    public int opcode() {
        return 0x60 | size.code() | (src != null ? CLASS_STX : CLASS_ST);
    }
}
