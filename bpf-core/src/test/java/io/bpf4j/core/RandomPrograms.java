package io.bpf4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random valid programs over the whole instruction set, for the round-trip property tests. */
final class RandomPrograms {
    private static final AluOp[] ALU_OPS = AluOp.values();
    private static final JumpOp[] JUMP_OPS = JumpOp.values();
    private static final AtomicOp[] ATOMIC_OPS = AtomicOp.values();
    private static final Size[] SIZES = Size.values();

    private final Random rnd;

    RandomPrograms(long seed) {
        this.rnd = new Random(seed);
    }

    /** 1..maxLength instructions (raw offsets, no labels) ending in exit; every target is an instruction start. */
    List<Instruction> program(int maxLength) {
        int n = 1 + rnd.nextInt(maxLength);
        int[] kind = new int[n];
        int[] slotOf = new int[n + 1];
        for (int i = 0; i < n - 1; i++) {
            kind[i] = rnd.nextInt(18);
        }
        kind[n - 1] = -1;   // exit
        for (int i = 0; i < n; i++) {
            slotOf[i + 1] = slotOf[i] + (kind[i] == 11 ? 2 : 1);
        }
        List<Instruction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int rel = slotOf[rnd.nextInt(n)] - (slotOf[i] + 1);
            out.add(instruction(kind[i], rel));
        }
        return out;
    }

    private Instruction instruction(int kind, int rel) {
        switch (kind) {
            case -1: return new ExitInsn();
            case 0: case 1: case 2: return alu();
            case 3: return new EndianInsn(ByteSwap.values()[rnd.nextInt(3)], 16 << rnd.nextInt(3), writable());
            case 4: return new AddrSpaceCastInsn(writable(), reg(), rnd.nextInt(3), rnd.nextInt(3));
            case 5: {
                Size size = SIZES[rnd.nextInt(4)];
                boolean sx = size != Size.DW && rnd.nextBoolean();
                return new LoadInsn(size, sx, writable(), reg(), off());
            }
            case 6: return rnd.nextBoolean() ? new StoreInsn(SIZES[rnd.nextInt(4)], reg(), off(), reg(), 0)
                    : new StoreInsn(SIZES[rnd.nextInt(4)], reg(), off(), null, imm());
            case 7: {
                AtomicOp op = ATOMIC_OPS[rnd.nextInt(ATOMIC_OPS.length)];
                Size size = op.isReadModifyWrite() ? (rnd.nextBoolean() ? Size.W : Size.DW) : SIZES[rnd.nextInt(4)];
                return new AtomicInsn(op, size, op == AtomicOp.LOAD_ACQUIRE ? writable() : reg(), reg(), off());
            }
            case 8: case 9: {
                JumpOp op = JUMP_OPS[rnd.nextInt(JUMP_OPS.length)];
                return rnd.nextBoolean() ? new JumpInsn(op, rnd.nextBoolean(), reg(), reg(), 0, rel, null)
                        : new JumpInsn(op, rnd.nextBoolean(), reg(), null, imm(), rel, null);
            }
            case 10: return new GotoInsn(rnd.nextBoolean(), rel, null);
            case 11: return ldImm64(rel);
            case 12: return new MayGotoInsn(rel, null);
            case 13: return new CallInsn(CallInsn.Type.HELPER, rnd.nextInt(10) == 0 ? imm() : rnd.nextInt(230), 0, null);
            case 14: return new CallInsn(CallInsn.Type.LOCAL, rel, 0, null);
            case 15: return new CallInsn(CallInsn.Type.KFUNC, imm(), rnd.nextInt(4), null);
            case 16: {
                Size size = SIZES[rnd.nextInt(3)];
                return rnd.nextBoolean() ? new PacketLoadInsn(size, false, null, imm())
                        : new PacketLoadInsn(size, true, reg(), imm());
            }
            default: return new ExitInsn();
        }
    }

    private Instruction alu() {
        AluOp op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
        boolean alu64 = op == AluOp.MOVSX32 || rnd.nextBoolean();
        Reg dst = writable();
        if (op == AluOp.NEG) {
            return new AluInsn(op, alu64, dst, null, 0);
        }
        if (op.isMovsx() || rnd.nextBoolean()) {
            return new AluInsn(op, alu64, dst, reg(), 0);
        }
        int imm;
        if (op.isShift()) {
            imm = rnd.nextInt(alu64 ? 64 : 32);
        } else {
            imm = imm();
            if (imm == 0 && (op == AluOp.DIV || op == AluOp.SDIV || op == AluOp.MOD || op == AluOp.SMOD)) {
                imm = 1;
            }
        }
        return new AluInsn(op, alu64, dst, null, imm);
    }

    private Instruction ldImm64(int rel) {
        PseudoSource ps = PseudoSource.values()[rnd.nextInt(7)];
        switch (ps) {
            case FUNC: return new LoadImm64Insn(writable(), ps, rel, null);
            case MAP_FD: case MAP_IDX: case BTF_ID: return new LoadImm64Insn(writable(), ps, rnd.nextInt() & 0xffff_ffffL, null);
            default: return new LoadImm64Insn(writable(), ps, rnd.nextLong(), null);
        }
    }

    private int imm() {
        switch (rnd.nextInt(4)) {
            case 0: return rnd.nextInt();
            case 1: return rnd.nextInt(256) - 128;
            case 2: return rnd.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            default: return rnd.nextInt(16);
        }
    }

    private int off() {
        return rnd.nextInt(4) == 0 ? (short) rnd.nextInt() : rnd.nextInt(64) - 32;
    }

    private Reg reg() {
        return Reg.of(rnd.nextInt(11));
    }

    private Reg writable() {
        return Reg.of(rnd.nextInt(10));
    }
}
