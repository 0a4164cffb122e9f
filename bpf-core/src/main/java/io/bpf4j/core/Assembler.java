package io.bpf4j.core;

import io.bpf4j.core.internal.DidYouMean;
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
    /** A raw offset that lands outside the program: encoded literally, never widened. */
    private static final int OUTSIDE = -2;
    private static final Instruction.Kind[] KINDS = Instruction.Kind.values();
    private static final byte LABEL = (byte) Instruction.Kind.LABEL.ordinal();
    private static final byte JUMP = (byte) Instruction.Kind.JUMP.ordinal();
    private static final byte[] WIDTH = InstructionCodec.WIDTH;

    private final List<Instruction> insns;
    private final int n;
    private final boolean widenFarJumps;
    private final Resolved r;
    /** Slot of each instruction, and the total at index n. */
    private int[] slot;
    /** Extra slots a widened conditional jump takes: 0, 1 (inverse + gotol) or 2 (jset hop); null until one is widened. */
    private byte[] extra;

    /**
     * What assembling a program needs to know about it whatever the byte order: each
     * instruction's kind (read once: {@code kind()} is a megamorphic call) and the index of the
     * instruction it jumps/calls/refers to. Derived from the immutable instruction list alone, so
     * a {@link Program} keeps it after its first assembly.
     */
    static final class Resolved {
        /** {@code kind().ordinal()} of each instruction. */
        final byte[] kinds;
        /** Index of the instruction each instruction jumps/calls/refers to, or NO_TARGET. */
        final int[] target;
        final int labelCount;
        /** Slot of each instruction before any widening, the total at index n; never handed out. */
        final int[] baseSlot;
        /** True if every jump reaches its target in 16 bits: then {@link #baseSlot} is the layout. */
        final boolean fits;
        /**
         * What the verifier, not the assembler, judges: targets outside the program, no final
         * exit. Strict assembly throws the first; the text assembler reports them as warnings.
         */
        final List<Lint.Finding> problems;

        private Resolved(byte[] kinds, int[] target, int labelCount, int[] baseSlot, boolean fits,
                         List<Lint.Finding> problems) {
            this.kinds = kinds;
            this.target = target;
            this.labelCount = labelCount;
            this.baseSlot = baseSlot;
            this.fits = fits;
            this.problems = problems;
        }

        /** Throws the first problem, for strict assembly. */
        void requireNone(List<Instruction> insns) {
            if (!problems.isEmpty()) {
                Lint.Finding f = problems.get(0);
                String label = f.instruction() >= 0 ? insns.get(f.instruction()).target() : null;
                throw new AssemblyException(f.slot(), f.instruction(), label, f.message());
            }
        }
    }

    private Assembler(Program program, boolean widenFarJumps) {
        this.insns = program.instructions();
        this.n = insns.size();
        this.widenFarJumps = widenFarJumps;
        this.r = program.resolved();
    }

    /** The bytecode alone, without the label map {@link #assemble} builds for diagnostics. */
    static byte[] bytes(Program program, ByteOrder order, boolean widenFarJumps, boolean strict) {
        Assembler a = new Assembler(program, widenFarJumps);
        if (strict) {
            a.r.requireNone(a.insns);
        }
        if (a.r.fits) {
            a.slot = a.r.baseSlot;   // read only here: encode() does not write it
        } else {
            a.layOut();
        }
        return a.encode(order);
    }

    static AssembledProgram assemble(Program program, ByteOrder order, boolean widenFarJumps, boolean strict) {
        Assembler a = new Assembler(program, widenFarJumps);
        if (strict) {
            a.r.requireNone(a.insns);
        }
        if (a.r.fits) {
            a.slot = a.r.baseSlot.clone();   // AssembledProgram hands its array out
        } else {
            a.layOut();
        }
        byte[] bytes = a.encode(order);
        byte[] kinds = a.r.kinds;
        Map<String, Integer> labels = new HashMap<>(capacity(a.r.labelCount));
        for (int i = 0; i < a.n; i++) {
            if (kinds[i] == LABEL) {
                labels.put(((Label) a.insns.get(i)).name(), a.slot[i]);
            }
        }
        return new AssembledProgram(program, bytes, a.slot, Collections.unmodifiableMap(labels));
    }

    private static int capacity(int entries) {
        return (int) (entries / 0.75f) + 1;
    }

    /**
     * Checks the program's shape and resolves every label and raw offset to an instruction index,
     * in one pass over the instructions plus one over the labels.
     *
     * Targets outside the program and a missing final exit are recorded in
     * {@link Resolved#problems}, not thrown: the verifier judges them.
     *
     * @throws AssemblyException for an empty program, a duplicate or unknown label
     */
    static Resolved resolve(List<Instruction> insns) {
        int n = insns.size();
        byte[] kinds = new byte[n];
        int[] slotOf = new int[n + 1];
        int labelCount = 0;
        int slots = 0;
        for (int i = 0; i < n; i++) {
            byte k = kindOf(insns.get(i));
            kinds[i] = k;
            slotOf[i] = slots;
            slots += WIDTH[k];
            if (k == LABEL) {
                labelCount++;
            }
        }
        int last = n - 1;
        while (last >= 0 && kinds[last] == LABEL) {
            last--;
        }
        if (last < 0) {
            throw new AssemblyException(-1, -1, null, "empty program: expected at least one instruction ending in exit");
        }
        List<Lint.Finding> problems = null;
        Instruction.Kind lastKind = KINDS[kinds[last]];
        if (lastKind != Instruction.Kind.EXIT && lastKind != Instruction.Kind.GOTO) {
            problems = new ArrayList<>();
            problems.add(new Lint.Finding(Lint.Rule.NO_FINAL_EXIT, slotOf[last], last, where(slotOf[last], last,
                    insns.get(last)) + " ends the program: expected exit or goto, or the CPU would run off its end"));
        }
        // A few labels (a typical hand-written program) are found by a scan of two small arrays,
        // cheaper than a HashMap with its nodes and boxed indices; many go through a presized map.
        boolean few = labelCount <= FEW_LABELS;
        String[] names = few ? new String[labelCount] : null;
        int[] nameIndex = few ? new int[labelCount] : null;
        Map<String, Integer> labelIndex = few ? null : new HashMap<>(capacity(labelCount));
        if (labelCount > 0) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (kinds[i] == LABEL) {
                    String name = ((Label) insns.get(i)).name();
                    Integer before;
                    if (few) {
                        int at = find(names, nameIndex, count, name);
                        before = at < 0 ? null : at;
                        names[count] = name;
                        nameIndex[count++] = i;
                    } else {
                        before = labelIndex.putIfAbsent(name, i);
                    }
                    if (before != null) {
                        throw new AssemblyException(slotOf[i], i, name, "slot " + slotOf[i] + " (instruction " + i
                                + "): duplicate label '" + name + "', first defined at instruction " + before);
                    }
                }
            }
        }
        slotOf[n] = slots;
        int[] target = new int[n];
        int[] indexAtSlot = null;
        boolean fits = true;
        for (int i = 0; i < n; i++) {
            target[i] = NO_TARGET;
            Instruction.Kind kind = KINDS[kinds[i]];
            String label;
            int rel;
            switch (kind) {
                case JUMP: {
                    JumpInsn j = (JumpInsn) insns.get(i);
                    label = j.label();
                    rel = j.off();
                    break;
                }
                case GOTO: {
                    GotoInsn g = (GotoInsn) insns.get(i);
                    label = g.label();
                    rel = g.off();
                    break;
                }
                case MAY_GOTO: {
                    MayGotoInsn m = (MayGotoInsn) insns.get(i);
                    label = m.label();
                    rel = m.off();
                    break;
                }
                case CALL: {
                    CallInsn c = (CallInsn) insns.get(i);
                    label = c.target();
                    rel = c.type() == CallInsn.Type.LOCAL ? c.imm() : Integer.MIN_VALUE;
                    break;
                }
                case LD_IMM64: {
                    LoadImm64Insn l = (LoadImm64Insn) insns.get(i);
                    label = l.target();
                    rel = l.source() == PseudoSource.FUNC ? (int) l.imm() : Integer.MIN_VALUE;
                    break;
                }
                default:
                    continue;
            }
            if (label != null) {
                int ti;
                if (few) {
                    ti = find(names, nameIndex, labelCount, label);
                } else {
                    Integer t = labelIndex.get(label);
                    ti = t == null ? -1 : t;
                }
                if (ti < 0) {
                    Instruction in = insns.get(i);
                    java.util.TreeSet<String> known = few ? new java.util.TreeSet<>(java.util.Arrays.asList(names))
                            : new java.util.TreeSet<>(labelIndex.keySet());
                    throw new AssemblyException(slotOf[i], i, label, where(slotOf[i], i, in) + ": unknown label '"
                            + Text.excerpt(label) + "'" + DidYouMean.hint(label, known, "labels", 8));
                }
                int real = ti;
                while (real < n && kinds[real] == LABEL) {
                    real++;
                }
                if (real == n) {
                    // Encodable (the offset reaches one past the last slot), and LLVM assembles it:
                    // the verifier judges it.
                    problems = problem(problems, i, slotOf[i], insns.get(i), ": label '" + Text.excerpt(label)
                            + "' marks the end of the program: there is no instruction to go to");
                }
                target[i] = ti;
            } else if (rel != Integer.MIN_VALUE) {
                // Raw offsets count slots of the unwidened layout: turn them into instruction indices.
                if (indexAtSlot == null) {
                    indexAtSlot = new int[slots];
                    java.util.Arrays.fill(indexAtSlot, -1);
                    for (int j = n - 1; j >= 0; j--) {
                        if (WIDTH[kinds[j]] > 0) {
                            indexAtSlot[slotOf[j]] = j;
                        }
                    }
                }
                long dest = (long) slotOf[i] + 1 + rel;
                if (dest < 0 || dest >= slots || indexAtSlot[(int) dest] < 0) {
                    problems = problem(problems, i, slotOf[i], insns.get(i), ": offset " + rel + " lands at slot " + dest
                            + ", " + (dest < 0 || dest >= slots ? "outside the program (0.." + (slots - 1) + ")"
                                    : "inside the second half of an ld_imm64"));
                    target[i] = OUTSIDE;
                    continue;
                }
                target[i] = indexAtSlot[(int) dest];
            }
            if (fits && target[i] != NO_TARGET) {
                int off = slotOf[target[i]] - (slotOf[i] + 1);
                fits = off >= Short.MIN_VALUE && off <= Short.MAX_VALUE;
            }
        }
        return new Resolved(kinds, target, labelCount, slotOf, fits,
                problems == null ? List.of() : Collections.unmodifiableList(problems));
    }

    private static List<Lint.Finding> problem(List<Lint.Finding> problems, int i, int slot, Instruction in, String what) {
        List<Lint.Finding> out = problems == null ? new ArrayList<>() : problems;
        out.add(new Lint.Finding(Lint.Rule.TARGET_OUTSIDE_PROGRAM, slot, i, where(slot, i, in) + what));
        return out;
    }

    /** How messages name an instruction: {@code slot 3 (instruction 4: goto out)}. */
    static String where(int slot, int i, Instruction in) {
        return "slot " + slot + " (instruction " + i + ": " + Text.excerpt(describe(in)) + ")";
    }

    private static final byte ALU = (byte) Instruction.Kind.ALU.ordinal();
    private static final byte LOAD = (byte) Instruction.Kind.LOAD.ordinal();
    private static final byte STORE = (byte) Instruction.Kind.STORE.ordinal();
    private static final byte CALL = (byte) Instruction.Kind.CALL.ordinal();
    private static final byte GOTO = (byte) Instruction.Kind.GOTO.ordinal();
    private static final byte EXIT = (byte) Instruction.Kind.EXIT.ordinal();
    private static final byte LD_IMM64 = (byte) Instruction.Kind.LD_IMM64.ordinal();

    /**
     * {@code in.kind().ordinal()}, testing the common records first: each test compares one class
     * pointer (the records are final), cheaper than the megamorphic interface call it replaces.
     */
    static byte kindOf(Instruction in) {
        if (in instanceof AluInsn) {
            return ALU;
        } else if (in instanceof LoadInsn) {
            return LOAD;
        } else if (in instanceof StoreInsn) {
            return STORE;
        } else if (in instanceof JumpInsn) {
            return JUMP;
        } else if (in instanceof CallInsn) {
            return CALL;
        } else if (in instanceof Label) {
            return LABEL;
        } else if (in instanceof GotoInsn) {
            return GOTO;
        } else if (in instanceof ExitInsn) {
            return EXIT;
        } else if (in instanceof LoadImm64Insn) {
            return LD_IMM64;
        }
        return (byte) in.kind().ordinal();
    }

    /** Labels up to which {@link #resolve} scans arrays instead of building a map. */
    private static final int FEW_LABELS = 8;

    /** Index of the instruction labelled {@code name} among the first {@code count}, or -1. */
    private static int find(String[] names, int[] index, int count, String name) {
        for (int j = 0; j < count; j++) {
            if (names[j].equals(name)) {
                return index[j];
            }
        }
        return -1;
    }

    private void layOut() {
        slot = new int[n + 1];
        byte[] kinds = r.kinds;
        int[] target = r.target;
        boolean changed = true;
        while (changed) {
            int pos = 0;
            if (extra == null) {
                for (int i = 0; i < n; i++) {
                    slot[i] = pos;
                    pos += WIDTH[kinds[i]];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    slot[i] = pos;
                    pos += WIDTH[kinds[i]] + extra[i];
                }
            }
            slot[n] = pos;
            changed = false;
            for (int i = 0; i < n; i++) {
                int t = target[i];
                if (t < 0 || extra != null && extra[i] != 0) {
                    continue;
                }
                long off = (long) slot[t] - (slot[i] + 1);
                if (off >= Short.MIN_VALUE && off <= Short.MAX_VALUE) {
                    continue;
                }
                Instruction in = insns.get(i);
                switch (KINDS[kinds[i]]) {
                    case JUMP:
                        if (!widenFarJumps) {
                            throw outOfRange(i, in, off, "-32768..32767 (widening of far jumps is off)");
                        }
                        if (extra == null) {
                            extra = new byte[n];
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
        return new AssemblyException(slot[i], i, in.target(), where(slot[i], i, in) + ": jump offset "
                + off + " out of range: expected " + expected);
    }

    private byte[] encode(ByteOrder order) {
        byte[] out = new byte[slot[n] * 8];
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        byte[] kinds = r.kinds;
        int[] target = r.target;
        for (int i = 0; i < n; i++) {
            byte k = kinds[i];
            if (k == LABEL) {
                continue;
            }
            Instruction in = insns.get(i);
            int t = target[i];
            if (t == OUTSIDE) {
                InstructionCodec.encodeAt(out, slot[i] * 8, little, in, KINDS[k], InstructionCodec.literalOffset(in));
            } else if (k == JUMP) {
                encodeJump(out, little, (JumpInsn) in, i, t);
            } else {
                int rel = t == NO_TARGET ? 0 : slot[t] - (slot[i] + 1);
                InstructionCodec.encodeAt(out, slot[i] * 8, little, in, KINDS[k], rel);
            }
        }
        return out;
    }

    private void encodeJump(byte[] out, boolean little, JumpInsn j, int i, int t) {
        int tgt = slot[t];
        int pos = slot[i] * 8;
        int dst = j.dst().number();
        int src = j.src() == null ? 0 : j.src().number();
        switch (extra == null ? 0 : extra[i]) {
            case 0:
                InstructionCodec.putRegs(out, pos, little, j.opcode(), dst, src, tgt - (slot[i] + 1), j.imm());
                break;
            case 1: {
                // if !cond goto +1; gotol target
                int inverse = j.op().inverse().code() | (j.opcode() & 0x0f);
                InstructionCodec.putRegs(out, pos, little, inverse, dst, src, 1, j.imm());
                InstructionCodec.putRegs(out, pos + 8, little, 0x06, 0, 0, 0, tgt - (slot[i] + 2));
                break;
            }
            default:
                // jset has no inverse: if cond goto +1; goto +1; gotol target
                InstructionCodec.putRegs(out, pos, little, j.opcode(), dst, src, 1, j.imm());
                InstructionCodec.putRegs(out, pos + 8, little, 0x05, 0, 0, 1, 0);
                InstructionCodec.putRegs(out, pos + 16, little, 0x06, 0, 0, 0, tgt - (slot[i] + 3));
                break;
        }
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
