package io.bpf4j.syscall.internal;

/**
 * Finds the instructions an older verifier does not know: the fourth instruction set (Linux
 * 6.6: sign-extending loads and moves, signed division and modulo, unconditional byte swap,
 * {@code gotol}) and {@code may_goto} (6.9). Read from the bytecode, as the kernel sees it.
 */
final class NewerInstructions {
    private static final int LDX = 0x01;
    private static final int ALU = 0x04;
    private static final int JMP = 0x05;
    private static final int JMP32 = 0x06;
    private static final int ALU64 = 0x07;
    private static final int MODE_MEMSX = 0x80;
    private static final int OP_DIV = 0x30;
    private static final int OP_MOD = 0x90;
    private static final int OP_MOV = 0xb0;
    private static final int OP_END = 0xd0;
    private static final int OP_JA = 0x00;
    private static final int OP_JCOND = 0xe0;

    private NewerInstructions() {
    }

    /** The first slot holding such an instruction, or -1. */
    static int firstSlot(byte[] code) {
        for (int slot = 0; slot * 8 + 8 <= code.length; slot++) {
            int at = slot * 8;
            int opcode = code[at] & 0xff;
            int off = (short) ((code[at + 2] & 0xff) | (code[at + 3] << 8));
            if (isNewer(opcode, off)) {
                return slot;
            }
            if (opcode == 0x18) {
                slot++; // the second half of an ld_imm64
            }
        }
        return -1;
    }

    private static boolean isNewer(int opcode, int off) {
        int cls = opcode & 0x07;
        int op = opcode & 0xf0;
        switch (cls) {
            case LDX:
                return (opcode & 0xe0) == MODE_MEMSX;
            case ALU:
            case ALU64:
                return (op == OP_MOV && off != 0) || ((op == OP_DIV || op == OP_MOD) && off == 1)
                        || (op == OP_END && cls == ALU64);
            case JMP32:
                return op == OP_JA;
            case JMP:
                return op == OP_JCOND;
            default:
                return false;
        }
    }
}
