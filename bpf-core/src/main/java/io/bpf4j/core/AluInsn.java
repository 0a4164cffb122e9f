package io.bpf4j.core;

/**
 * An arithmetic instruction of class ALU (32-bit, upper half zeroed) or ALU64:
 * {@code dst op= src} or {@code dst op= imm}. {@code src == null} means the immediate form.
 *
 * <pre>{@code
 * new AluInsn(AluOp.ADD, true, Reg.R1, null, 8);       // r1 += 8
 * new AluInsn(AluOp.MOVSX8, true, Reg.R1, Reg.R2, 0);  // r1 = (s8)r2
 * }</pre>
 *
 * @param op the operation
 * @param alu64 true for ALU64 (64-bit registers), false for ALU (32-bit subregisters)
 * @param dst destination register (r10 only on purpose: see {@link Lint})
 * @param src source register, or null for the immediate form
 * @param imm the immediate (ignored when {@code src} is given; must then be 0)
 */
public record AluInsn(AluOp op, boolean alu64, Reg dst, Reg src, int imm) implements Instruction {
    public AluInsn {
        if (op == null) {
            throw new IllegalArgumentException("alu: operation missing");
        }
        String what = NAMES[op.ordinal() * 2 + (alu64 ? 1 : 0)];   // precomputed: no allocation per instruction
        Checks.written(dst, what);
        if (src != null && imm != 0) {
            throw new IllegalArgumentException(what + ": imm " + imm + " given with a source register: expected 0");
        }
        if (op == AluOp.NEG && src != null) {
            throw new IllegalArgumentException(what + ": neg takes no source register");
        }
        if (op.isMovsx() && src == null) {
            throw new IllegalArgumentException(what + ": movsx needs a source register, not an immediate");
        }
        if (op == AluOp.MOVSX32 && !alu64) {
            throw new IllegalArgumentException("movsx32: sign extension from 32 bits exists only in ALU64");
        }
        // Shift counts beyond the width, division by the immediate 0 and writes to r10 are
        // encodable and printable: Lint refuses them where a program is built, not here.
    }

    private static final String[] NAMES = new String[AluOp.values().length * 2];

    static {
        for (AluOp op : AluOp.values()) {
            NAMES[op.ordinal() * 2] = op.name().toLowerCase(java.util.Locale.ROOT) + "32";
            NAMES[op.ordinal() * 2 + 1] = op.name().toLowerCase(java.util.Locale.ROOT) + "64";
        }
    }

    @Override
    public Kind kind() {
        return Kind.ALU;
    }

    @Override
    public int opcode() {
        return op.code() | (src != null ? 0x08 : 0) | (alu64 ? CLASS_ALU64 : CLASS_ALU);
    }
}
