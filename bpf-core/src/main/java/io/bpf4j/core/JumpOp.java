package io.bpf4j.core;

/**
 * Conditional jump operations of the JMP and JMP32 classes, with their op bits and the comparison
 * the verifier log prints. Unconditional jumps are {@link GotoInsn}; calls and exit have their own
 * instruction types.
 *
 * <pre>{@code
 * JumpOp.JGT.inverse();   // JLE: used to widen a far conditional jump into "if !cond skip; gotol"
 * }</pre>
 */
public enum JumpOp {
    JEQ(0x10, "=="),
    JGT(0x20, ">"),
    JGE(0x30, ">="),
    JSET(0x40, "&"),
    JNE(0x50, "!="),
    JSGT(0x60, "s>"),
    JSGE(0x70, "s>="),
    JLT(0xa0, "<"),
    JLE(0xb0, "<="),
    JSLT(0xc0, "s<"),
    JSLE(0xd0, "s<=");

    private final int code;
    private final String operator;

    JumpOp(int code, String operator) {
        this.code = code;
        this.operator = operator;
    }

    /** The op bits (high nibble) of the opcode byte. */
    public int code() {
        return code;
    }

    /** The comparison the verifier log prints: {@code ==}, {@code s>=}, {@code &}. */
    public String operator() {
        return operator;
    }

    /**
     * The negated condition, or null for {@link #JSET} which has none (a far {@code jset} is
     * widened with a short hop over a {@code gotol} instead).
     */
    public JumpOp inverse() {
        switch (this) {
            case JEQ: return JNE;
            case JNE: return JEQ;
            case JGT: return JLE;
            case JLE: return JGT;
            case JGE: return JLT;
            case JLT: return JGE;
            case JSGT: return JSLE;
            case JSLE: return JSGT;
            case JSGE: return JSLT;
            case JSLT: return JSGE;
            default: return null;
        }
    }

    /** The op with these op bits, or null. */
    public static JumpOp of(int code) {
        for (JumpOp op : values()) {
            if (op.code == (code & 0xf0)) {
                return op;
            }
        }
        return null;
    }
}
