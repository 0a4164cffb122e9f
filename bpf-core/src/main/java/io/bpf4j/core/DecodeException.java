package io.bpf4j.core;

/**
 * Bytecode cannot be decoded: truncated input, an unknown opcode, a register beyond r10, a reserved
 * field in use, or half of an {@code ld_imm64}. Names the byte offset and slot of the culprit.
 *
 * <pre>{@code
 * try {
 *     InstructionCodec.decode(new byte[12], ByteOrder.LITTLE_ENDIAN);
 * } catch (DecodeException e) {
 *     e.byteOffset();   // 8: the 4 bytes left over after the first slot
 * }
 * }</pre>
 */
public class DecodeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int byteOffset;
    private final String reason;

    public DecodeException(int byteOffset, String message) {
        super("byte " + byteOffset + " (slot " + byteOffset / 8 + "): " + message);
        this.byteOffset = byteOffset;
        this.reason = message;
    }

    /** What is wrong, without the position: {@code unknown opcode 0xff}. */
    public String reason() {
        return reason;
    }

    /** Offset in the input of the instruction (or the leftover bytes) at fault. */
    public int byteOffset() {
        return byteOffset;
    }
}
