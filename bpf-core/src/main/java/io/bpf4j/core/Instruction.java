package io.bpf4j.core;

/**
 * One eBPF instruction: an immutable value. Each kind of instruction is a record; {@link #kind()}
 * makes switches over them exhaustive on Java 17.
 *
 * <p>Encoding of one 8-byte slot (RFC 9669 section 3), little-endian host shown:
 * <pre>
 *   byte 0        byte 1              bytes 2-3       bytes 4-7
 *  +-------------+---------+---------+---------------+------------------------+
 *  | opcode      | src (4) | dst (4) | off (s16)     | imm (s32)              |
 *  +-------------+---------+---------+---------------+------------------------+
 *  opcode = op (4 bits) | source (1 bit: K=0 imm, X=8 reg) | class (3 bits)      [ALU, JMP]
 *         = mode (3 bits) | size (2 bits) | class (3 bits)                      [LD, LDX, ST, STX]
 *  big-endian targets swap the nibbles of byte 1 (dst high, src low).
 * </pre>
 * {@code ld_imm64} takes two slots; a {@link Label} takes none.
 *
 * <pre>{@code
 * Instruction i = new LoadInsn(Size.DW, false, Reg.R1, Reg.R2, 8);   // r1 = *(u64 *)(r2 +8)
 * i.kind();   // LOAD
 * }</pre>
 */
public sealed interface Instruction
        permits AluInsn, EndianInsn, AddrSpaceCastInsn, JumpInsn, GotoInsn, MayGotoInsn, CallInsn,
                ExitInsn, LoadInsn, StoreInsn, AtomicInsn, LoadImm64Insn, PacketLoadInsn, RawInsn, Label {

    /** Instruction classes (BPF_LD … BPF_ALU64), the low three bits of the opcode. */
    int CLASS_LD = 0x00, CLASS_LDX = 0x01, CLASS_ST = 0x02, CLASS_STX = 0x03,
        CLASS_ALU = 0x04, CLASS_JMP = 0x05, CLASS_JMP32 = 0x06, CLASS_ALU64 = 0x07;

    /** The kinds of instruction, one per record type. */
    enum Kind {
        ALU, ENDIAN, ADDR_SPACE_CAST, JUMP, GOTO, MAY_GOTO, CALL, EXIT, LOAD, STORE, ATOMIC,
        LD_IMM64, PACKET_LOAD, LABEL,
        /** A slot kept as raw bytes ({@link RawInsn}): undecodable input, or {@code .8byte}. */
        RAW
    }

    /** Which record this is. */
    Kind kind();

    /** The opcode byte (for a label, 0). */
    int opcode();

    /** 8-byte slots this instruction occupies: 2 for {@code ld_imm64}, 0 for a label, else 1. */
    default int slots() {
        return 1;
    }

    /** The label this instruction jumps to, calls or refers to, or null if it has none. */
    default String target() {
        return null;
    }
}
