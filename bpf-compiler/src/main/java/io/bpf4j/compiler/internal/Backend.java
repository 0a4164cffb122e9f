package io.bpf4j.compiler.internal;

import io.bpf4j.compiler.internal.Ir.K;
import io.bpf4j.compiler.internal.Ir.Op;
import io.bpf4j.compiler.internal.Ir.Opnd;
import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.AtomicInsn;
import io.bpf4j.core.AtomicOp;
import io.bpf4j.core.ByteSwap;
import io.bpf4j.core.CallInsn;
import io.bpf4j.core.EndianInsn;
import io.bpf4j.core.ExitInsn;
import io.bpf4j.core.GotoInsn;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.JumpInsn;
import io.bpf4j.core.JumpOp;
import io.bpf4j.core.Label;
import io.bpf4j.core.LoadImm64Insn;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.PseudoSource;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.StoreInsn;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link Ir} into instructions: liveness over the control-flow graph, then a linear scan
 * that gives values live across a helper call r6..r9 (the registers calls preserve), other values
 * r1..r4 (or r6..r9 when free), and spills the rest to 8-byte stack slots. r0 and r5 stay free as
 * scratch for spilled operands and for breaking cycles when call arguments are moved into r1..r5.
 */
final class Backend {
    private static final Reg[] CALLEE_SAVED = {Reg.R6, Reg.R7, Reg.R8, Reg.R9};
    private static final Reg[] SCRATCH_POOL = {Reg.R1, Reg.R2, Reg.R3, Reg.R4};
    private static final Reg S0 = Reg.R0;
    private static final Reg S1 = Reg.R5;

    private final Ir ir;
    private final List<Instruction> out = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private final List<io.bpf4j.core.SourcePosition> positions = new ArrayList<>();
    private io.bpf4j.core.SourcePosition pos;
    private Reg[] regOf;
    private int[] slotOf;
    private int frameBytes;
    private int line;

    /** Result: instructions, their lines, and the stack bytes used in total. */
    record Result(List<Instruction> instructions, List<Integer> lines, List<io.bpf4j.core.SourcePosition> positions,
                  int stackBytes) {
    }

    Backend(Ir ir) {
        this.ir = ir;
    }

    /**
     * @param frameBytes stack bytes the translator already uses (records, arrays, keys); spill
     *                   slots go below them
     */
    Result run(int frameBytes) {
        this.frameBytes = frameBytes;
        List<Op> ops = dropDeadCode(cleanup(ir.ops));
        allocate(ops);
        for (Op op : ops) {
            line = op.line;
            pos = op.pos;
            emit(op);
        }
        return new Result(out, lines, positions, this.frameBytes);
    }

    // ---- clean-up ------------------------------------------------------------------------------

    /** Drops code after a return or goto up to the next label, and gotos to the very next label. */
    private static List<Op> cleanup(List<Op> in) {
        // Keep what control can reach from the entry (the verifier refuses unreachable instructions,
        // e.g. a loop after a return that constant folding made unconditional).
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).k == K.LABEL) {
                labels.put(in.get(i).label, i);
            }
        }
        boolean[] reached = new boolean[in.size()];
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        if (!in.isEmpty()) {
            work.push(0);
        }
        while (!work.isEmpty()) {
            int i = work.pop();
            if (i >= in.size() || reached[i]) {
                continue;
            }
            reached[i] = true;
            Op op = in.get(i);
            if (op.k == K.JA || op.k == K.JMP) {
                work.push(target(labels, op.label));
            }
            if (op.k != K.JA && op.k != K.RET) {
                work.push(i + 1);
            }
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            if (reached[i]) {
                ops.add(in.get(i));
            }
        }
        List<Op> res = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.k == K.JA) {
                boolean next = false;
                for (int j = i + 1; j < ops.size() && ops.get(j).k == K.LABEL; j++) {
                    if (ops.get(j).label.equals(op.label)) {
                        next = true;
                        break;
                    }
                }
                if (next) {
                    continue;
                }
            }
            res.add(op);
        }
        return res;
    }

    // ---- liveness and allocation ------------------------------------------------------------

    private static void uses(Op op, BitSet into) {
        addUse(op.a, into);
        addUse(op.b, into);
        if (op.args != null) {
            for (Opnd o : op.args) {
                addUse(o, into);
            }
        }
        if (op.k == K.BSWAP) {
            into.set(op.dst);
        }
    }

    private static void addUse(Opnd o, BitSet into) {
        if (o != null && o.isV()) {
            into.set(o.vreg);
        }
    }

    private static boolean clobbers(Op op) {
        return op.k == K.CALL || op.k == K.RAW;
    }

    /** Liveness over the control-flow graph: {live in, live out, used} per operation. */
    private static BitSet[][] liveness(List<Op> ops) {
        int n = ops.size();
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (ops.get(i).k == K.LABEL) {
                labels.put(ops.get(i).label, i);
            }
        }
        int[][] succ = new int[n][];
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            switch (op.k) {
                case RET:
                    succ[i] = new int[0];
                    break;
                case JA:
                    succ[i] = new int[] {target(labels, op.label)};
                    break;
                case JMP:
                    succ[i] = i + 1 < n ? new int[] {i + 1, target(labels, op.label)} : new int[] {target(labels, op.label)};
                    break;
                default:
                    succ[i] = i + 1 < n ? new int[] {i + 1} : new int[0];
            }
        }
        BitSet[] use = new BitSet[n];
        BitSet[] in = new BitSet[n];
        BitSet[] outs = new BitSet[n];
        for (int i = 0; i < n; i++) {
            use[i] = new BitSet();
            uses(ops.get(i), use[i]);
            in[i] = new BitSet();
            outs[i] = new BitSet();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                BitSet o = new BitSet();
                for (int s : succ[i]) {
                    o.or(in[s]);
                }
                BitSet ni = (BitSet) o.clone();
                Op op = ops.get(i);
                if (op.dst >= 0 && op.k != K.BSWAP) {
                    ni.clear(op.dst);
                }
                ni.or(use[i]);
                if (!ni.equals(in[i]) || !o.equals(outs[i])) {
                    in[i] = ni;
                    outs[i] = o;
                    changed = true;
                }
            }
        }
        return new BitSet[][] {in, outs, use};
    }

    /** Removes operations without side effects whose result nobody reads, until none is left. */
    private static List<Op> dropDeadCode(List<Op> ops) {
        while (true) {
            BitSet[] outs = liveness(ops)[1];
            List<Op> kept = new ArrayList<>(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                boolean pure = op.k == K.MOV || op.k == K.ALU || op.k == K.LD;
                if (pure && !outs[i].get(op.dst)) {
                    continue;
                }
                kept.add(op);
            }
            if (kept.size() == ops.size()) {
                return ops;
            }
            ops = kept;
        }
    }

    private void allocate(List<Op> ops) {
        int n = ops.size();
        BitSet[][] flow = liveness(ops);
        BitSet[] in = flow[0];
        BitSet[] outs = flow[1];
        BitSet[] use = flow[2];
        int v = ir.vregs;
        int[] start = new int[v];
        int[] end = new int[v];
        java.util.Arrays.fill(start, Integer.MAX_VALUE);
        java.util.Arrays.fill(end, -1);
        boolean[] crosses = new boolean[v];
        int[] hint = new int[v];
        java.util.Arrays.fill(hint, -1);
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            BitSet live = (BitSet) in[i].clone();
            live.or(outs[i]);
            if (op.dst >= 0) {
                live.set(op.dst);
            }
            for (int x = live.nextSetBit(0); x >= 0; x = live.nextSetBit(x + 1)) {
                start[x] = Math.min(start[x], i);
                end[x] = Math.max(end[x], i);
            }
            if (clobbers(op)) {
                BitSet across = (BitSet) outs[i].clone();
                if (op.dst >= 0) {
                    across.clear(op.dst);
                }
                for (int x = across.nextSetBit(0); x >= 0; x = across.nextSetBit(x + 1)) {
                    crosses[x] = true;
                }
                if (op.args != null) {
                    for (int k = 0; k < op.args.length; k++) {
                        if (op.args[k].isV() && hint[op.args[k].vreg] < 0) {
                            hint[op.args[k].vreg] = k + 1;
                        }
                    }
                }
            }
        }
        regOf = new Reg[v];
        slotOf = new int[v];
        boolean[] done = new boolean[v];
        // A value computed from another that dies there prefers that one's register: the
        // two-address ALU and the copy then need no move.
        int[] copyOf = new int[v];
        java.util.Arrays.fill(copyOf, -1);
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            if ((op.k == K.MOV || op.k == K.ALU) && op.a.isV() && copyOf[op.dst] < 0 && end[op.a.vreg] == i) {
                copyOf[op.dst] = op.a.vreg;
            }
        }
        // A helper's result used once, by the very next operation, stays in r0 (no move).
        for (int i = 0; i + 1 < n; i++) {
            Op op = ops.get(i);
            int x = op.dst;
            if (clobbers(op) && x >= 0 && start[x] == i && end[x] == i + 1 && r0Safe(ops.get(i + 1), x)) {
                regOf[x] = Reg.R0;
                done[x] = true;
            }
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Integer.compare(start[p], start[q]));
        int[] busyUntil = new int[11];
        java.util.Arrays.fill(busyUntil, -1);
        BitSet read = new BitSet();
        for (BitSet u : use) {
            read.or(u);
        }
        for (int x : order) {
            if (end[x] < 0 || done[x] || !read.get(x)) {
                continue;
            }
            Reg chosen = null;
            int from = copyOf[x];
            if (from >= 0 && regOf[from] != null && regOf[from] != Reg.R0 && busyUntil[regOf[from].number()] <= start[x]
                    && (!crosses[x] || regOf[from].number() >= 6)) {
                chosen = regOf[from];
            }
            if (chosen == null && !crosses[x]) {
                if (hint[x] >= 1 && hint[x] <= 4 && busyUntil[hint[x]] <= start[x]) {
                    chosen = Reg.values()[hint[x]];
                }
                for (Reg r : SCRATCH_POOL) {
                    if (chosen == null && busyUntil[r.number()] <= start[x]) {
                        chosen = r;
                    }
                }
            }
            for (Reg r : CALLEE_SAVED) {
                if (chosen == null && busyUntil[r.number()] <= start[x]) {
                    chosen = r;
                }
            }
            if (chosen != null) {
                regOf[x] = chosen;
                busyUntil[chosen.number()] = end[x];
            } else {
                frameBytes += 8;
                slotOf[x] = -frameBytes;
            }
        }
    }

    /** True if {@code next} reads {@code x} only where its emission uses no scratch r0 before reading it. */
    private static boolean r0Safe(Op next, int x) {
        boolean inA = next.a != null && next.a.isV() && next.a.vreg == x;
        boolean inB = next.b != null && next.b.isV() && next.b.vreg == x;
        switch (next.k) {
            case MOV:
            case RET:
            case LD:
                return inA;
            case JMP:
            case ALU:
                return inA && !inB;
            case ST:
            case ATOMIC_ADD:
                return inB && !inA;
            default:
                return false;
        }
    }

    private static int target(Map<String, Integer> labels, String label) {
        Integer t = labels.get(label);
        if (t == null) {
            throw new IllegalStateException("compiler bug: label " + label + " not emitted");
        }
        return t;
    }

    // ---- emission ------------------------------------------------------------------------------

    private void put(Instruction in) {
        out.add(in);
        lines.add(line);
        positions.add(pos);
    }

    private void movImm(Reg d, long imm, boolean wide) {
        if (!wide) {
            put(new AluInsn(AluOp.MOV, false, d, null, (int) imm));
        } else if (imm == (int) imm) {
            put(new AluInsn(AluOp.MOV, true, d, null, (int) imm));
        } else {
            put(new LoadImm64Insn(d, PseudoSource.NONE, imm, null));
        }
    }

    private void mov(Reg d, Reg s) {
        if (d != s) {
            put(new AluInsn(AluOp.MOV, true, d, s, 0));
        }
    }

    /** Puts operand {@code o} into register {@code d}. */
    private void load(Reg d, Opnd o, boolean wide) {
        switch (o.t) {
            case VREG:
                if (regOf[o.vreg] != null) {
                    mov(d, regOf[o.vreg]);
                } else {
                    put(new LoadInsn(Size.DW, false, d, Reg.R10, slotOf[o.vreg]));
                }
                break;
            case IMM:
                movImm(d, o.imm, wide);
                break;
            case FP:
                mov(d, Reg.R10);
                put(new AluInsn(AluOp.ADD, true, d, null, (int) o.imm));
                break;
            case CTX:
                mov(d, Reg.R1);
                break;
            case ARG2:
                mov(d, Reg.R2);
                break;
            case FUNC:
                put(new LoadImm64Insn(d, PseudoSource.FUNC, 0, o.map));
                break;
            default:
                put(new LoadImm64Insn(d, PseudoSource.MAP_FD, -1, o.map));
        }
    }

    /** The register holding operand {@code o}, loading it into {@code scratch} if it is not in one. */
    private Reg use(Opnd o, Reg scratch) {
        if (o.isV() && regOf[o.vreg] != null) {
            return regOf[o.vreg];
        }
        if (o.t == Opnd.T.FP && o.imm == 0) {
            return Reg.R10;
        }
        load(scratch, o, true);
        return scratch;
    }

    private Reg defReg(int v) {
        return regOf[v] != null ? regOf[v] : S0;
    }

    private void finish(int v, Reg d) {
        if (regOf[v] == null) {
            put(new StoreInsn(Size.DW, Reg.R10, slotOf[v], d, 0));
        }
    }

    private boolean unused(int v) {
        return regOf[v] == null && slotOf[v] == 0;
    }

    private void emit(Op op) {
        switch (op.k) {
            case LABEL:
                put(new Label(op.label));
                break;
            case MOV: {
                if (unused(op.dst)) {
                    break;
                }
                if (regOf[op.dst] == null && op.a.isImm() && op.a.fitsImm32() && op.wide) {
                    put(new StoreInsn(Size.DW, Reg.R10, slotOf[op.dst], null, (int) op.a.imm));
                    break;
                }
                Reg d = defReg(op.dst);
                if (op.trunc && op.a.isV()) {
                    // (int) of a long: a 32-bit move keeps ints zero-extended in their registers.
                    put(new AluInsn(AluOp.MOV, false, d, use(op.a, d), 0));
                } else {
                    load(d, op.a, op.wide);
                }
                finish(op.dst, d);
                break;
            }
            case ALU: {
                if (unused(op.dst)) {
                    break;
                }
                if (op.alu.isMovsx()) {
                    // dst = (sN) src: one instruction, the source register read as is.
                    Reg d = defReg(op.dst);
                    put(new AluInsn(op.alu, true, d, use(op.a, S1), 0));
                    finish(op.dst, d);
                    break;
                }
                Reg d = defReg(op.dst);
                boolean bInD = op.b.isV() && regOf[op.b.vreg] == d && !(op.a.isV() && op.a.vreg == op.b.vreg);
                if (bInD) {
                    d = S0;
                }
                if (!(op.a.isV() && regOf[op.a.vreg] == d)) {
                    load(d, op.a, true);
                }
                if (op.b.fitsImm32()) {
                    put(new AluInsn(op.alu, op.wide, d, null, (int) op.b.imm));
                } else {
                    Reg b = use(op.b, S1);
                    put(new AluInsn(op.alu, op.wide, d, b, 0));
                }
                if (bInD) {
                    mov(defReg(op.dst), d);
                }
                finish(op.dst, d == S0 && regOf[op.dst] != null ? regOf[op.dst] : d);
                break;
            }
            case LD: {
                if (unused(op.dst)) {
                    break;
                }
                Reg base = op.a.t == Opnd.T.FP ? Reg.R10 : use(op.a, S1);
                int off = op.off + (op.a.t == Opnd.T.FP ? (int) op.a.imm : 0);
                Reg d = defReg(op.dst);
                put(new LoadInsn(op.size, false, d, base, off));
                finish(op.dst, d);
                break;
            }
            case ST: {
                Reg base = op.a.t == Opnd.T.FP ? Reg.R10 : use(op.a, S1);
                int off = op.off + (op.a.t == Opnd.T.FP ? (int) op.a.imm : 0);
                if (op.b.fitsImm32()) {
                    put(new StoreInsn(op.size, base, off, null, (int) op.b.imm));
                } else {
                    put(new StoreInsn(op.size, base, off, use(op.b, S0), 0));
                }
                break;
            }
            case ATOMIC_ADD: {
                Reg base = op.a.t == Opnd.T.FP ? Reg.R10 : use(op.a, S1);
                int off = op.off + (op.a.t == Opnd.T.FP ? (int) op.a.imm : 0);
                Reg v = use(op.b, S0);
                put(new AtomicInsn(AtomicOp.ADD, op.size, base, v, off));
                break;
            }
            case FETCH_ADD: {
                Reg base = use(op.a, S1);
                Reg d = defReg(op.dst);
                // The result may have been given the base's register (the base dies here).
                Reg v = d == base ? S0 : d;
                load(v, op.b, true);
                put(new AtomicInsn(AtomicOp.FETCH_ADD, op.size, base, v, op.off));
                mov(d, v);
                finish(op.dst, d);
                break;
            }
            case BSWAP: {
                Reg d = use(Opnd.v(op.dst), S0);
                if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                    put(new EndianInsn(ByteSwap.BE, op.off, d));
                } else {
                    put(new EndianInsn(ByteSwap.BE, op.off, d));
                }
                finish(op.dst, d);
                break;
            }
            case CALL:
                moveArgs(op.args);
                put(CallInsn.helper(op.helper));
                if (op.dst >= 0 && !unused(op.dst)) {
                    Reg d = defReg(op.dst);
                    mov(d, Reg.R0);
                    finish(op.dst, d);
                }
                break;
            case RAW:
                for (Instruction in : op.raw) {
                    put(in);
                }
                if (op.dst >= 0 && !unused(op.dst)) {
                    Reg d = defReg(op.dst);
                    mov(d, Reg.R0);
                    finish(op.dst, d);
                }
                break;
            case JMP:
                emitJump(op);
                break;
            case JA:
                put(new GotoInsn(false, 0, op.label));
                break;
            case RET:
                load(Reg.R0, op.a, true);
                put(new ExitInsn());
                break;
            default:
                throw new IllegalStateException("compiler bug: op " + op);
        }
    }

    private static JumpOp mirror(JumpOp op) {
        switch (op) {
            case JGT: return JumpOp.JLT;
            case JGE: return JumpOp.JLE;
            case JLT: return JumpOp.JGT;
            case JLE: return JumpOp.JGE;
            case JSGT: return JumpOp.JSLT;
            case JSGE: return JumpOp.JSLE;
            case JSLT: return JumpOp.JSGT;
            case JSLE: return JumpOp.JSGE;
            default: return op;
        }
    }

    private void emitJump(Op op) {
        Opnd a = op.a;
        Opnd b = op.b;
        JumpOp jop = op.jop;
        if (!a.isV() && b.isV()) {
            Opnd t = a;
            a = b;
            b = t;
            jop = mirror(jop);
        }
        Reg ra = use(a, S0);
        if (b.fitsImm32()) {
            put(new JumpInsn(jop, !op.wide, ra, null, (int) b.imm, 0, op.label));
        } else {
            put(new JumpInsn(jop, !op.wide, ra, use(b, S1), 0, 0, op.label));
        }
    }

    /** Moves call arguments into r1..rn: register sources first (as a parallel move), then the rest. */
    private void moveArgs(Opnd[] args) {
        Reg[] target = {Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5};
        List<int[]> pending = new ArrayList<>();   // {target reg number, source reg number}
        for (int k = 0; k < args.length; k++) {
            Opnd o = args[k];
            if (o.isV() && regOf[o.vreg] != null) {
                if (regOf[o.vreg] != target[k]) {
                    pending.add(new int[] {target[k].number(), regOf[o.vreg].number()});
                }
            }
        }
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (int i = 0; i < pending.size(); i++) {
                int[] m = pending.get(i);
                boolean blocked = false;
                for (int[] other : pending) {
                    if (other != m && other[1] == m[0]) {
                        blocked = true;
                        break;
                    }
                }
                if (!blocked) {
                    mov(Reg.values()[m[0]], Reg.values()[m[1]]);
                    pending.remove(i);
                    progressed = true;
                    break;
                }
            }
            if (!progressed) {
                // A cycle: park one source in r0 and read it from there.
                int[] m = pending.get(0);
                mov(S0, Reg.values()[m[1]]);
                for (int[] other : pending) {
                    if (other[1] == m[1]) {
                        other[1] = S0.number();
                    }
                }
            }
        }
        for (int k = 0; k < args.length; k++) {
            Opnd o = args[k];
            if (!(o.isV() && regOf[o.vreg] != null)) {
                load(target[k], o, true);
            }
        }
    }
}
