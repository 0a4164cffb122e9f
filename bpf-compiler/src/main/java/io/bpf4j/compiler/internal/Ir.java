package io.bpf4j.compiler.internal;

import io.bpf4j.core.AluOp;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.JumpOp;
import io.bpf4j.core.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiler's intermediate form: BPF-shaped operations over unlimited virtual registers, made
 * by {@link Translator} from bytecode and turned into instructions by {@link Backend} once
 * registers are allocated. Virtual registers are numbered from 0; the stack frame is addressed
 * from r10 with negative offsets.
 */
final class Ir {
    enum K { MOV, ALU, LD, ST, CALL, JMP, JA, LABEL, RET, ATOMIC_ADD, FETCH_ADD, BSWAP, RAW }

    /** An operand: a virtual register, an immediate, the address {@code r10 + off}, or a map's fd. */
    static final class Opnd {
        enum T { VREG, IMM, FP, MAP, CTX, FUNC, ARG2 }

        final T t;
        final int vreg;
        final long imm;
        final String map;

        private Opnd(T t, int vreg, long imm, String map) {
            this.t = t;
            this.vreg = vreg;
            this.imm = imm;
            this.map = map;
        }

        static Opnd v(int vreg) {
            return new Opnd(T.VREG, vreg, 0, null);
        }

        static Opnd imm(long value) {
            return new Opnd(T.IMM, -1, value, null);
        }

        static Opnd fp(int off) {
            return new Opnd(T.FP, -1, off, null);
        }

        /** The context pointer the program was called with (r1 at entry). */
        static Opnd ctx() {
            return new Opnd(T.CTX, -1, 0, null);
        }

        /** The address of the function at {@code label} (a bpf_loop callback). */
        static Opnd func(String label) {
            return new Opnd(T.FUNC, -1, 0, label);
        }

        /** The second argument register at entry (r2: a callback's context). */
        static Opnd arg2() {
            return new Opnd(T.ARG2, -1, 0, null);
        }

        static Opnd map(String name) {
            return new Opnd(T.MAP, -1, 0, name);
        }

        boolean isV() {
            return t == T.VREG;
        }

        boolean isImm() {
            return t == T.IMM;
        }

        boolean fitsImm32() {
            return t == T.IMM && imm == (int) imm;
        }

        @Override
        public String toString() {
            switch (t) {
                case VREG: return "v" + vreg;
                case IMM: return Long.toString(imm);
                case FP: return "fp" + imm;
                default: return "map:" + map;
            }
        }
    }

    static final class Op {
        final K k;
        int line;
        io.bpf4j.core.SourcePosition pos;
        AluOp alu;
        JumpOp jop;
        boolean wide;
        Size size;
        int dst = -1;
        Opnd a;
        Opnd b;
        int off;
        String label;
        Helper helper;
        Opnd[] args;
        List<Instruction> raw;
        /** A MOV that cuts a long to an int (a 32-bit move). */
        boolean trunc;

        Op(K k) {
            this.k = k;
        }

        @Override
        public String toString() {
            switch (k) {
                case LABEL: return label + ":";
                case MOV: return "v" + dst + " = " + a + (wide ? "" : " (32)");
                case ALU: return "v" + dst + " = " + a + " " + alu + (wide ? "64 " : "32 ") + b;
                case LD: return "v" + dst + " = *(" + size + ")(" + a + " + " + off + ")";
                case ST: return "*(" + size + ")(" + a + " + " + off + ") = " + b;
                case CALL: return (dst >= 0 ? "v" + dst + " = " : "") + helper + java.util.Arrays.toString(args);
                case JMP: return "if " + a + " " + jop + (wide ? "" : "32") + " " + b + " goto " + label;
                case JA: return "goto " + label;
                case RET: return "return " + a;
                case ATOMIC_ADD: return "lock *(" + size + ")(" + a + " + " + off + ") += " + b;
                case BSWAP: return "v" + dst + " = be" + off + "(v" + dst + ")";
                default: return "raw -> v" + dst;
            }
        }
    }

    final List<Op> ops = new ArrayList<>();
    int vregs;
    int line;
    io.bpf4j.core.SourcePosition pos;

    int newVreg() {
        return vregs++;
    }

    private Op add(Op op) {
        op.line = line;
        op.pos = pos;
        ops.add(op);
        return op;
    }

    void mov(int dst, Opnd a, boolean wide) {
        Op o = new Op(K.MOV);
        o.dst = dst;
        o.a = a;
        o.wide = wide;
        add(o);
    }

    /** {@code dst = (int) a}: a 32-bit move, which clears the upper half. */
    void trunc(int dst, Opnd a) {
        Op o = new Op(K.MOV);
        o.dst = dst;
        o.a = a;
        o.wide = false;
        o.trunc = true;
        add(o);
    }

    void alu(AluOp op, boolean wide, int dst, Opnd a, Opnd b) {
        Op o = new Op(K.ALU);
        o.alu = op;
        o.wide = wide;
        o.dst = dst;
        o.a = a;
        o.b = b;
        add(o);
    }

    void ld(Size size, int dst, Opnd base, int off) {
        Op o = new Op(K.LD);
        o.size = size;
        o.dst = dst;
        o.a = base;
        o.off = off;
        add(o);
    }

    void st(Size size, Opnd base, int off, Opnd value) {
        Op o = new Op(K.ST);
        o.size = size;
        o.a = base;
        o.off = off;
        o.b = value;
        add(o);
    }

    void atomicAdd(Size size, Opnd base, int off, Opnd value) {
        Op o = new Op(K.ATOMIC_ADD);
        o.size = size;
        o.a = base;
        o.off = off;
        o.b = value;
        add(o);
    }

    void call(Helper helper, int dst, Opnd... args) {
        Op o = new Op(K.CALL);
        o.helper = helper;
        o.dst = dst;
        o.args = args;
        add(o);
    }

    void jmp(JumpOp op, boolean wide, Opnd a, Opnd b, String label) {
        Op o = new Op(K.JMP);
        o.jop = op;
        o.wide = wide;
        o.a = a;
        o.b = b;
        o.label = label;
        add(o);
    }

    void ja(String label) {
        Op o = new Op(K.JA);
        o.label = label;
        add(o);
    }

    void label(String label) {
        Op o = new Op(K.LABEL);
        o.label = label;
        add(o);
    }

    void ret(Opnd value) {
        Op o = new Op(K.RET);
        o.a = value;
        add(o);
    }

    /** {@code dst = atomic_fetch_add((u64 *)(base + off), value)}: dst gets the old value. */
    void fetchAdd(int dst, Opnd base, int off, Opnd value) {
        Op o = new Op(K.FETCH_ADD);
        o.size = Size.DW;
        o.dst = dst;
        o.a = base;
        o.off = off;
        o.b = value;
        add(o);
    }

    /** {@code dst = be<bits>(dst)}: network to host order (a no-op on big-endian hosts). */
    void bswap(int dst, int bits) {
        Op o = new Op(K.BSWAP);
        o.dst = dst;
        o.off = bits;
        add(o);
    }

    /** Fixed-register instructions that leave their result in r0 and clobber r0..r5 like a call. */
    void raw(List<Instruction> insns, int dst) {
        Op o = new Op(K.RAW);
        o.raw = insns;
        o.dst = dst;
        add(o);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ops.size(); i++) {
            b.append(i).append(": ").append(ops.get(i)).append('\n');
        }
        return b.toString();
    }
}
