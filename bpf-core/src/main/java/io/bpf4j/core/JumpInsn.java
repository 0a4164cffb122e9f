package io.bpf4j.core;

/**
 * A conditional jump of class JMP (64-bit compare) or JMP32 (32-bit compare):
 * {@code if dst op src goto pc+off} or {@code if dst op imm goto pc+off}. The target is either a
 * resolved offset or a label that the assembler resolves.
 *
 * <pre>{@code
 * new JumpInsn(JumpOp.JEQ, false, Reg.R0, null, 0, 0, "out");   // if r0 == 0x0 goto out
 * }</pre>
 *
 * @param op the comparison
 * @param jmp32 true to compare the lower 32 bits (class JMP32)
 * @param dst left operand
 * @param src right operand register, or null for the immediate form
 * @param imm right operand immediate (0 when {@code src} is given)
 * @param off offset in slots from the next instruction (ignored when {@code label} is set)
 * @param label target label, or null when {@code off} is final
 */
public record JumpInsn(JumpOp op, boolean jmp32, Reg dst, Reg src, int imm, int off, String label)
        implements Instruction {
    public JumpInsn {
        if (op == null) {
            throw new IllegalArgumentException("jump: comparison missing");
        }
        String what = NAMES[op.ordinal() * 2 + (jmp32 ? 1 : 0)];   // precomputed: no allocation per instruction
        Checks.present(dst, "compared", what);
        if (src != null && imm != 0) {
            throw new IllegalArgumentException(what + ": imm " + imm + " given with a source register: expected 0");
        }
        if (label == null) {
            Checks.s16(off, what);
        }
    }

    private static final String[] NAMES = new String[JumpOp.values().length * 2];

    static {
        for (JumpOp op : JumpOp.values()) {
            NAMES[op.ordinal() * 2] = op.name().toLowerCase(java.util.Locale.ROOT);
            NAMES[op.ordinal() * 2 + 1] = op.name().toLowerCase(java.util.Locale.ROOT) + "32";
        }
    }

    /** The same jump with its target resolved to {@code off}. */
    public JumpInsn withOffset(int newOff) {
        return new JumpInsn(op, jmp32, dst, src, imm, newOff, null);
    }

    @Override
    public Kind kind() {
        return Kind.JUMP;
    }

    @Override
    public int opcode() {
        return op.code() | (src != null ? 0x08 : 0) | (jmp32 ? CLASS_JMP32 : CLASS_JMP);
    }

    @Override
    public String target() {
        return label;
    }
}
