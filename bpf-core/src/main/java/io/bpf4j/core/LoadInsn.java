package io.bpf4j.core;

/**
 * A memory load (class LDX): {@code dst = *(u32 *)(src + off)}, or with sign extension
 * ({@code BPF_MEMSX}, Linux 6.6) {@code dst = *(s16 *)(src + off)}.
 *
 * <pre>{@code
 * new LoadInsn(Size.DW, false, Reg.R1, Reg.R2, 8);   // r1 = *(u64 *)(r2 +8)   (opcode 0x79)
 * new LoadInsn(Size.B, true, Reg.R1, Reg.R2, -1);    // r1 = *(s8 *)(r2 -1)    (opcode 0x91)
 * }</pre>
 *
 * @param size access width
 * @param signExtend true for the sign-extending form (B, H or W only)
 * @param dst destination register (never r10)
 * @param src base address register
 * @param off signed 16-bit displacement
 */
public record LoadInsn(Size size, boolean signExtend, Reg dst, Reg src, int off) implements Instruction {
    public LoadInsn {
        if (size == null) {
            throw new IllegalArgumentException("ldx: size missing");
        }
        String what = NAMES[(signExtend ? 4 : 0) + size.ordinal()];   // precomputed: no allocation per instruction
        Checks.written(dst, what);
        Checks.present(src, "base", what);
        Checks.s16(off, what);
        if (signExtend && size == Size.DW) {
            throw new IllegalArgumentException("ldsxdw: a 64-bit load has nothing to sign-extend: use ldxdw");
        }
    }

    private static final String[] NAMES = new String[8];

    static {
        for (Size size : Size.values()) {
            NAMES[size.ordinal()] = "ldx" + size.name().toLowerCase(java.util.Locale.ROOT);
            NAMES[4 + size.ordinal()] = "ldsx" + size.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public Kind kind() {
        return Kind.LOAD;
    }

    @Override
    public int opcode() {
        return (signExtend ? 0x80 : 0x60) | size.code() | CLASS_LDX;
    }
}
