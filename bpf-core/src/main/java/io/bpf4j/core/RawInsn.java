package io.bpf4j.core;

/**
 * One 8-byte slot kept as it is: what the disassembler makes of a slot it cannot decode (an
 * unknown opcode, a reserved field in use, half an {@code ld_imm64}), and what the text assembler
 * makes of {@code .8byte N}, so that such a slot survives a listing and a reassembly unchanged.
 * {@link #value()} is the slot read as one 64-bit number in the target's byte order, as
 * {@code .8byte} means it in LLVM's assembler.
 *
 * <pre>{@code
 * Instruction raw = new RawInsn(0x00000000000000ffL);   // .8byte 0xff: opcode 0xff on little-endian
 * raw.opcode();   // 0xff on a little-endian target
 * }</pre>
 *
 * <p>Nothing checks a raw slot: a program that contains one is reported by {@link Lint}
 * ({@link Lint.Rule#RAW_SLOT}) and refused where programs are built, unless allowed.
 *
 * @param value the slot as a 64-bit number in the target's byte order
 */
public record RawInsn(long value) implements Instruction {
    @Override
    public Kind kind() {
        return Kind.RAW;
    }

    /** The opcode byte as a little-endian target reads it (the low byte of {@link #value()}). */
    @Override
    public int opcode() {
        return (int) (value & 0xff);
    }

    /** The opcode byte in {@code order}: the low byte on little-endian targets, the high byte on big-endian ones. */
    public int opcode(java.nio.ByteOrder order) {
        return order == java.nio.ByteOrder.LITTLE_ENDIAN ? (int) (value & 0xff) : (int) (value >>> 56);
    }
}
