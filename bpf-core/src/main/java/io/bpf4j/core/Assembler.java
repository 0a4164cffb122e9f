package io.bpf4j.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an instruction list into bytecode: resolves labels (and raw offsets) to instruction
 * indices, lays out slots, widens conditional jumps that do not fit in 16 bits, and encodes.
 * Allocates per label and per program, never per instruction.
 */
final class Assembler {
    private static final int NO_TARGET = -1;

    private final List<Instruction> insns;
    private final int n;
    private final boolean widenFarJumps;
    private final Map<String, Integer> labelIndex = new HashMap<>();
    /** Index of the instruction each instruction jumps/calls/refers to, or NO_TARGET. */
    private final int[] target;
    private final int[] slot;
    /** Extra slots a widened conditional jump takes: 0, 1 (inverse + gotol) or 2 (jset hop). */
    private final byte[] extra;

    private Assembler(List<Instruction> insns, boolean widenFarJumps) {
        this.insns = insns;
        this.n = insns.size();
        this.widenFarJumps = widenFarJumps;
        this.target = new int[n];
        this.slot = new int[n + 1];
        this.extra = new byte[n];
    }

    static AssembledProgram assemble(Program program, ByteOrder order, boolean widenFarJumps) {
        Assembler a = new Assembler(program.instructions(), widenFarJumps);
        a.checkShape();
        a.resolveTargets();
        a.layOut();
        byte[] bytes = a.encode(order);
        Map<String, Integer> labels = new HashMap<>();
        for (Map.Entry<String, Integer> e : a.labelIndex.entrySet()) {
            labels.put(e.getKey(), a.slot[e.getValue()]);
        }
        return new AssembledProgram(program, bytes, a.slot, Collections.unmodifiableMap(labels));
    }

    private void checkShape() {
        int last = n - 1;
        while (last >= 0 && insns.get(last).kind() == Instruction.Kind.LABEL) {
            last--;
        }
        if (last < 0) {
            throw new AssemblyException(-1, null, "empty program: expected at least one instruction ending in exit");
        }
        Instruction.Kind k = insns.get(last).kind();
        if (k != Instruction.Kind.EXIT && k != Instruction.Kind.GOTO) {
            throw new AssemblyException(last, null, "instruction " + last + " (" + describe(insns.get(last))
                    + ") ends the program: expected exit or goto, or the CPU would run off its end");
        }
        for (int i = 0; i < n; i++) {
            if (insns.get(i) instanceof Label) {
                String name = ((Label) insns.get(i)).name();
                Integer before = labelIndex.putIfAbsent(name, i);
                if (before != null) {
                    throw new AssemblyException(i, name, "instruction " + i + ": duplicate label '" + name
                            + "', first defined at instruction " + before);
                }
            }
        }
    }

    private void resolveTargets() {
        // Raw offsets count slots of the unwidened layout: turn them into instruction indices first.
        int pos = 0;
        for (int i = 0; i < n; i++) {
            slot[i] = pos;
            pos += insns.get(i).slots();
        }
        slot[n] = pos;
        int[] indexAtSlot = null;
        for (int i = 0; i < n; i++) {
            Instruction in = insns.get(i);
            target[i] = NO_TARGET;
            String label = in.target();
            if (label != null) {
                Integer t = labelIndex.get(label);
                if (t == null) {
                    throw new AssemblyException(i, label, "instruction " + i + " (" + describe(in) + "): unknown label '"
                            + label + "'" + DidYouMean.hint(label, new java.util.TreeSet<>(labelIndex.keySet()), "labels", 8));
                }
                if (firstRealAtOrAfter(t) == n) {
                    throw new AssemblyException(i, label, "instruction " + i + " (" + describe(in) + "): label '" + label
                            + "' marks the end of the program: there is no instruction to go to");
                }
                target[i] = t;
            } else {
                int rel = rawOffset(in);
                if (rel != Integer.MIN_VALUE) {
                    if (indexAtSlot == null) {
                        indexAtSlot = indexAtSlot();
                    }
                    long dest = (long) slot[i] + 1 + rel;
                    if (dest < 0 || dest >= slot[n] || indexAtSlot[(int) dest] < 0) {
                        throw new AssemblyException(i, null, "instruction " + i + " (" + describe(in) + "): offset "
                                + rel + " lands at slot " + dest + ", "
                                + (dest < 0 || dest >= slot[n] ? "outside the program (0.." + (slot[n] - 1) + ")"
                                        : "inside the second half of an ld_imm64"));
                    }
                    target[i] = indexAtSlot[(int) dest];
                }
            }
        }
    }

    private int[] indexAtSlot() {
        int[] at = new int[slot[n]];
        java.util.Arrays.fill(at, -1);
        for (int i = n - 1; i >= 0; i--) {
            if (insns.get(i).slots() > 0) {
                at[slot[i]] = i;
            }
        }
        return at;
    }

    private int firstRealAtOrAfter(int i) {
        while (i < n && insns.get(i).slots() == 0) {
            i++;
        }
        return i;
    }

    /** The offset an instruction without label carries, or MIN_VALUE if it has no jump target. */
    private static int rawOffset(Instruction in) {
        switch (in.kind()) {
            case JUMP: return ((JumpInsn) in).off();
            case GOTO: return ((GotoInsn) in).off();
            case MAY_GOTO: return ((MayGotoInsn) in).off();
            case CALL: {
                CallInsn c = (CallInsn) in;
                return c.type() == CallInsn.Type.LOCAL ? c.imm() : Integer.MIN_VALUE;
            }
            case LD_IMM64: {
                LoadImm64Insn l = (LoadImm64Insn) in;
                return l.source() == PseudoSource.FUNC ? (int) l.imm() : Integer.MIN_VALUE;
            }
            default: return Integer.MIN_VALUE;
        }
    }

    private void layOut() {
        boolean changed = true;
        while (changed) {
            int pos = 0;
            for (int i = 0; i < n; i++) {
                slot[i] = pos;
                pos += insns.get(i).slots() + extra[i];
            }
            slot[n] = pos;
            changed = false;
            for (int i = 0; i < n; i++) {
                if (target[i] == NO_TARGET || extra[i] != 0) {
                    continue;
                }
                Instruction in = insns.get(i);
                long off = (long) slot[target[i]] - (slot[i] + 1);
                if (off >= Short.MIN_VALUE && off <= Short.MAX_VALUE) {
                    continue;
                }
                switch (in.kind()) {
                    case JUMP:
                        if (!widenFarJumps) {
                            throw outOfRange(i, in, off, "-32768..32767 (widening of far jumps is off)");
                        }
                        extra[i] = (byte) (((JumpInsn) in).op() == JumpOp.JSET ? 2 : 1);
                        changed = true;
                        break;
                    case GOTO:
                        if (!widenFarJumps && !((GotoInsn) in).wide()) {
                            throw outOfRange(i, in, off, "-32768..32767 (widening of far jumps is off)");
                        }
                        break;  // becomes gotol in place: same size
                    case MAY_GOTO:
                        throw outOfRange(i, in, off, "-32768..32767: may_goto has no wide form");
                    default:
                        break;  // calls and ld_imm64 func carry 32-bit offsets
                }
            }
        }
    }

    private AssemblyException outOfRange(int i, Instruction in, long off, String expected) {
        return new AssemblyException(i, in.target(), "instruction " + i + " (" + describe(in) + "): jump offset "
                + off + " out of range: expected " + expected);
    }

    private byte[] encode(ByteOrder order) {
        byte[] out = new byte[slot[n] * 8];
        ByteBuffer bb = ByteBuffer.wrap(out).order(order);
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        for (int i = 0; i < n; i++) {
            Instruction in = insns.get(i);
            if (in.kind() == Instruction.Kind.JUMP) {
                encodeJump(bb, little, (JumpInsn) in, i);
            } else {
                int rel = target[i] == NO_TARGET ? 0 : slot[target[i]] - (slot[i] + 1);
                InstructionCodec.encodeOne(bb, little, in, rel);
            }
        }
        return out;
    }

    private void encodeJump(ByteBuffer bb, boolean little, JumpInsn j, int i) {
        int tgt = slot[target[i]];
        switch (extra[i]) {
            case 0:
                put(bb, little, j.opcode(), j.dst(), j.src(), tgt - (slot[i] + 1), j.imm());
                break;
            case 1: {
                // if !cond goto +1; gotol target
                int inverse = j.op().inverse().code() | (j.opcode() & 0x0f);
                put(bb, little, inverse, j.dst(), j.src(), 1, j.imm());
                put(bb, little, 0x06, null, null, 0, tgt - (slot[i] + 2));
                break;
            }
            default:
                // jset has no inverse: if cond goto +1; goto +1; gotol target
                put(bb, little, j.opcode(), j.dst(), j.src(), 1, j.imm());
                put(bb, little, 0x05, null, null, 1, 0);
                put(bb, little, 0x06, null, null, 0, tgt - (slot[i] + 3));
                break;
        }
    }

    private static void put(ByteBuffer bb, boolean little, int opcode, Reg dst, Reg src, int off, int imm) {
        InstructionCodec.put(bb, little, opcode, dst, src, off, imm);
    }

    /** An instruction as error messages show it: its verifier-syntax text. */
    static String describe(Instruction in) {
        return Disassembler.format(in);
    }

    /** Labels in order of appearance (for listings). */
    static List<String> labelsOf(List<Instruction> insns) {
        List<String> out = new ArrayList<>();
        for (Instruction in : insns) {
            if (in instanceof Label) {
                out.add(((Label) in).name());
            }
        }
        return out;
    }
}
