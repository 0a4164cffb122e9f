package io.bpf4j.core;

/**
 * A byte swap: {@code dst = le16 dst}, {@code be32}, {@code bswap64} and so on (op {@code BPF_END}).
 *
 * <pre>{@code
 * new EndianInsn(ByteSwap.BSWAP, 32, Reg.R3);   // r3 = bswap32 r3   (opcode 0xd7)
 * }</pre>
 *
 * @param op le, be or bswap
 * @param width 16, 32 or 64 bits
 * @param dst the register swapped in place (never r10)
 */
public record EndianInsn(ByteSwap op, int width, Reg dst) implements Instruction {
    public EndianInsn {
        if (op == null) {
            throw new IllegalArgumentException("byte swap: operation missing");
        }
        if (width != 16 && width != 32 && width != 64) {
            throw new IllegalArgumentException(op.mnemonic() + ": width " + width + " unsupported: expected 16, 32 or 64");
        }
        if (dst == null || dst == Reg.R10) {
            Checks.written(dst, op.mnemonic() + width);
        }
    }

    @Override
    public Kind kind() {
        return Kind.ENDIAN;
    }

    @Override
    public int opcode() {
        switch (op) {
            case LE: return 0xd0 | CLASS_ALU;
            case BE: return 0xd0 | 0x08 | CLASS_ALU;
            default: return 0xd0 | CLASS_ALU64;
        }
    }
}
