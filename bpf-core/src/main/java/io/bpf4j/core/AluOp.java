package io.bpf4j.core;

/**
 * Arithmetic operations of the ALU and ALU64 classes, named by mnemonic. Each carries the op bits
 * of the opcode byte and the {@code off} value that selects the signed or sign-extending variant
 * (RFC 9669 section 4.1): {@code sdiv}/{@code smod} are {@code div}/{@code mod} with off 1,
 * {@code movsx} is {@code mov} with off 8, 16 or 32. Byte swaps live in {@link ByteSwap}.
 *
 * <pre>{@code
 * Instruction i = new AluInsn(AluOp.SDIV, true, Reg.R1, null, 3);   // r1 s/= 3
 * }</pre>
 */
public enum AluOp {
    ADD(0x00, 0, "+="),
    SUB(0x10, 0, "-="),
    MUL(0x20, 0, "*="),
    DIV(0x30, 0, "/="),
    /** Signed division, Linux 6.6 (cpu v4). */
    SDIV(0x30, 1, "s/="),
    OR(0x40, 0, "|="),
    AND(0x50, 0, "&="),
    LSH(0x60, 0, "<<="),
    RSH(0x70, 0, ">>="),
    NEG(0x80, 0, "= -"),
    MOD(0x90, 0, "%="),
    /** Signed modulo, Linux 6.6 (cpu v4). */
    SMOD(0x90, 1, "s%="),
    XOR(0xa0, 0, "^="),
    MOV(0xb0, 0, "="),
    /** Move with sign extension from 8 bits, Linux 6.6 (cpu v4). */
    MOVSX8(0xb0, 8, "="),
    /** Move with sign extension from 16 bits, Linux 6.6 (cpu v4). */
    MOVSX16(0xb0, 16, "="),
    /** Move with sign extension from 32 bits (ALU64 only), Linux 6.6 (cpu v4). */
    MOVSX32(0xb0, 32, "="),
    ARSH(0xc0, 0, "s>>=");

    private final int code;
    private final int off;
    private final String operator;

    AluOp(int code, int off, String operator) {
        this.code = code;
        this.off = off;
        this.operator = operator;
    }

    /** The op bits (high nibble) of the opcode byte. */
    public int code() {
        return code;
    }

    /** The {@code off} field that selects this variant. */
    public int off() {
        return off;
    }

    /** The C-like operator the verifier log prints: {@code +=}, {@code s>>=}. */
    public String operator() {
        return operator;
    }

    /** True for shifts, whose immediate must stay below the operand width. */
    public boolean isShift() {
        return this == LSH || this == RSH || this == ARSH;
    }

    /** True for the sign-extending moves. */
    public boolean isMovsx() {
        return this == MOVSX8 || this == MOVSX16 || this == MOVSX32;
    }

    /** The op with these op bits and off field, or null if none matches. */
    public static AluOp of(int code, int off) {
        for (AluOp op : values()) {
            if (op.code == (code & 0xf0) && op.off == off) {
                return op;
            }
        }
        return null;
    }
}
