package io.bpf4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds a {@link Program} fluently. Method names follow the ISA: {@code mov64}, {@code add32},
 * {@code ldxw}, {@code stxdw}, {@code jeq}, {@code call}, {@code exit}, overloaded on register and
 * immediate sources; {@code 32} suffixes use 32-bit subregisters ({@code w0}). Jumps name labels,
 * resolved when the program is assembled. Fragments (lists of instructions, as returned by
 * prologue and struct helpers) are appended with {@link #append(List)}. An instruction that breaks
 * a {@link Lint} rule (a write to r10, division by the immediate 0, a shift beyond the width, a
 * raw slot) is refused with an {@link AssemblyException} naming its slot, unless
 * {@link #allow(Lint.Rule...) allowed} on purpose.
 *
 * <pre>{@code
 * Program p = Program.builder()
 *         .call(Helper.KTIME_GET_NS)
 *         .jeq(Reg.R0, 0, "out")
 *         .mov64(Reg.R6, Reg.R0)
 *         .label("out")
 *         .mov64(Reg.R0, 0)
 *         .exit()
 *         .build();
 * }</pre>
 */
@EmitsInstructions
public final class ProgramBuilder {
    private static final boolean POSITIONS_BY_DEFAULT = Boolean.getBoolean("bpf4j.sourcePositions");
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /**
     * Where positions come from: the stack walk, replaced only by tests that count walks to prove
     * that recording off walks nothing.
     */
    static volatile java.util.function.Supplier<SourcePosition> positionSource = ProgramBuilder::walkToCaller;

    private static final ExitInsn EXIT = new ExitInsn();

    private ArrayList<Instruction> insns = new ArrayList<>(32);
    /** 8-byte slots taken so far: where the next instruction goes, as errors name it. */
    private int slots;
    /** Lint rules whose breach this builder accepts (none by default). */
    private java.util.Set<Lint.Rule> allowed = Lint.NONE;
    /** True once {@link #build()} handed {@code insns} to a Program: the next change copies it first. */
    private boolean shared;
    private List<SourcePosition> positions;

    ProgramBuilder() {
        if (POSITIONS_BY_DEFAULT) {
            positions = new ArrayList<>();
        }
    }

    /**
     * Records, for every instruction appended from now on, the Java file and line that appended it
     * (the first caller outside classes marked {@link EmitsInstructions}). Off by default; the
     * system property {@code bpf4j.sourcePositions=true} turns it on for every builder.
     */
    public ProgramBuilder recordSourcePositions(boolean on) {
        if (on && positions == null) {
            positions = new ArrayList<>(Collections.nCopies(insns.size(), null));
        } else if (!on && positions != null) {
            positions = null;
        }
        return this;
    }

    /**
     * Accepts instructions that break {@code rules} from now on, on purpose: a write to r10,
     * division by the immediate 0, a shift beyond the width, a raw slot. Verifier tests need them;
     * everything else should not. By default every rule is enforced: appending such an instruction
     * throws an {@link AssemblyException} that names the rule.
     *
     * <pre>{@code
     * Program.builder().allow(Lint.Rule.DIVISION_BY_ZERO).mov64(Reg.R0, 1).div64(Reg.R0, 0).exit().build();
     * }</pre>
     */
    public ProgramBuilder allow(Lint.Rule... rules) {
        java.util.EnumSet<Lint.Rule> set = java.util.EnumSet.noneOf(Lint.Rule.class);
        set.addAll(allowed);
        for (Lint.Rule r : rules) {
            if (r == null) {
                throw new IllegalArgumentException("allow: rule missing");
            }
            set.add(r);
        }
        allowed = set;
        return this;
    }

    /**
     * Appends one instruction.
     *
     * @throws AssemblyException if it breaks a {@link Lint} rule not {@link #allow allowed}
     */
    public ProgramBuilder append(Instruction insn) {
        if (insn == null) {
            throw at(new IllegalArgumentException("instruction missing (null)"));
        }
        return add(insn);
    }

    /** The one place an instruction enters the list: lint, append, count slots, record the position. */
    private ProgramBuilder add(Instruction insn) {
        Lint.Rule broken = Lint.violation(insn);
        if (broken != null && !allowed.contains(broken)) {
            throw at(new IllegalArgumentException(Lint.explain(insn, broken)));
        }
        owned().add(insn);
        slots += InstructionCodec.WIDTH[insn.kind().ordinal()];
        if (positions != null) {
            positions.add(positionSource.get());
        }
        return this;
    }

    // The emitters: each builds one kind of instruction and turns the record's complaint into an
    // AssemblyException that names the slot. The mnemonic methods below are one call each.

    private ProgramBuilder emitAlu(AluOp op, boolean alu64, Reg dst, Reg src, int imm) {
        try {
            return add(new AluInsn(op, alu64, dst, src, imm));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitJump(JumpOp op, boolean jmp32, Reg dst, Reg src, int imm, int off, String label) {
        try {
            return add(new JumpInsn(op, jmp32, dst, src, imm, off, label));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitLoad(Size size, boolean signExtend, Reg dst, Reg src, int off) {
        try {
            return add(new LoadInsn(size, signExtend, dst, src, off));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitStore(Size size, Reg dst, int off, Reg src, int imm) {
        try {
            return add(new StoreInsn(size, dst, off, src, imm));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitAtomic(AtomicOp op, Size size, Reg dst, Reg src, int off) {
        try {
            return add(new AtomicInsn(op, size, dst, src, off));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitCall(CallInsn.Type type, int imm, int off, String label, boolean missing) {
        try {
            if (missing) {
                throw new IllegalArgumentException("call: helper missing");
            }
            return add(new CallInsn(type, imm, off, label));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitEndian(ByteSwap op, int width, Reg dst) {
        try {
            return add(new EndianInsn(op, width, dst));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitGoto(boolean wide, int off, String label) {
        try {
            return add(new GotoInsn(wide, off, label));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitLdImm64(Reg dst, PseudoSource source, long imm, String symbol) {
        try {
            return add(new LoadImm64Insn(dst, source, imm, symbol));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    private ProgramBuilder emitPacket(Size size, boolean indirect, Reg src, int imm) {
        try {
            return add(new PacketLoadInsn(size, indirect, src, imm));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** Appends a fragment: a list of instructions, labels included. */
    public ProgramBuilder append(List<? extends Instruction> fragment) {
        for (Instruction in : fragment) {
            append(in);
        }
        return this;
    }

    /** Appends another program's instructions (labels included). */
    public ProgramBuilder append(Program program) { return append(program.instructions()); }

    /** Lets a function append to this builder: {@code .with(b -> emitFilter(b, uid))}. */
    public ProgramBuilder with(Consumer<ProgramBuilder> body) {
        body.accept(this);
        return this;
    }

    /** Marks the position of the next instruction with {@code name}. */
    public ProgramBuilder label(String name) {
        try {
            return append(new Label(name));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** Number of instructions appended so far (labels included). */
    public int size() {
        return insns.size();
    }

    /** The instructions so far, as a fragment to append elsewhere. */
    public List<Instruction> instructions() {
        return Collections.unmodifiableList(new ArrayList<>(insns));
    }

    /** The program. Labels are checked when it is assembled. */
    public Program build() {
        SourcePosition[] pos = positions == null ? null : positions.toArray(new SourcePosition[0]);
        // No copy: the builder copies before its next change instead (copy on write), so a
        // builder built once, the common case, copies nothing.
        shared = true;
        return new Program(Collections.unmodifiableList(insns), pos);
    }

    /** The instruction list, copied first if a built Program shares it. */
    private ArrayList<Instruction> owned() {
        if (shared) {
            insns = new ArrayList<>(insns);
            shared = false;
        }
        return insns;
    }

    /**
     * The list a fragment helper appends to directly, or null when source positions are recorded
     * (then each instruction goes through {@link #append(Instruction)} to get its position).
     */
    private List<Instruction> sink() {
        return positions == null ? owned() : null;
    }

    /**
     * Appends what {@code writer} writes, straight into the builder's list (or through
     * {@link #append(List)} when source positions are recorded); a writer that fails halfway is
     * undone, and its error names the instruction index.
     */
    private ProgramBuilder emit(Consumer<List<Instruction>> writer) {
        int mark = insns.size();
        int markSlots = slots;
        try {
            List<Instruction> out = sink();
            if (out == null) {
                List<Instruction> fragment = new ArrayList<>(8);
                writer.accept(fragment);
                return append(fragment);
            }
            writer.accept(out);
            for (int i = mark; i < insns.size(); i++) {
                Instruction in = insns.get(i);
                Lint.Rule r = Lint.violation(in);
                if (r != null && !allowed.contains(r)) {
                    throw new IllegalArgumentException(Lint.explain(in, r));
                }
                slots += InstructionCodec.WIDTH[in.kind().ordinal()];
            }
            return this;
        } catch (IllegalArgumentException e) {
            throw failed(mark, markSlots, e);
        }
    }

    /** Undoes a fragment that failed halfway, so a failed call leaves the builder as it was. */
    private AssemblyException failed(int mark, int markSlots, IllegalArgumentException e) {
        if (insns.size() > mark) {
            owned().subList(mark, insns.size()).clear();
        }
        slots = markSlots;
        return at(e);
    }

    private static SourcePosition walkToCaller() {
        return WALKER.walk(frames -> frames
                .filter(f -> !f.getDeclaringClass().isAnnotationPresent(EmitsInstructions.class))
                .findFirst()
                .map(f -> new SourcePosition(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber()))
                .orElse(null));
    }

    /**
     * An instruction this builder was about to append is invalid: the same error, now naming the
     * index it would have had (the stack trace already names the caller's line).
     */
    private AssemblyException at(IllegalArgumentException e) {
        if (e instanceof AssemblyException) {
            return (AssemblyException) e;
        }
        StringBuilder where = new StringBuilder("slot ").append(slots).append(" (instruction ").append(insns.size());
        for (int i = insns.size() - 1; i >= 0; i--) {
            if (insns.get(i) instanceof Label) {
                where.append(", after label '").append(((Label) insns.get(i)).name()).append('\'');
                break;
            }
        }
        if (positions != null) {
            SourcePosition pos = positionSource.get();
            if (pos != null) {
                where.append(", ").append(pos.file() == null ? pos.className() : pos.file() + ":" + pos.line());
            }
        }
        AssemblyException wrapped = new AssemblyException(slots, insns.size(), null,
                where.append("): ").append(e.getMessage()).toString());
        wrapped.initCause(e);
        return wrapped;
    }

    // ---- ALU ----------------------------------------------------------------------------------

    /** {@code rdst = rsrc}: same as {@link #mov64(Reg, Reg)}, the lab's {@code mov-reg}. */
    public ProgramBuilder mov(Reg dst, Reg src) { return mov64(dst, src); }
    /** {@code rdst = imm} (sign-extended to 64 bits): same as {@link #mov64(Reg, int)}. */
    public ProgramBuilder mov(Reg dst, int imm) { return mov64(dst, imm); }
    /** {@code rdst += rsrc}. */
    public ProgramBuilder add64(Reg dst, Reg src) { return emitAlu(AluOp.ADD, true, dst, src, 0); }
    /** {@code rdst += imm}. */
    public ProgramBuilder add64(Reg dst, int imm) { return emitAlu(AluOp.ADD, true, dst, null, imm); }
    /** {@code wdst += wsrc}. */
    public ProgramBuilder add32(Reg dst, Reg src) { return emitAlu(AluOp.ADD, false, dst, src, 0); }
    /** {@code wdst += imm}. */
    public ProgramBuilder add32(Reg dst, int imm) { return emitAlu(AluOp.ADD, false, dst, null, imm); }
    /** {@code rdst -= rsrc}. */
    public ProgramBuilder sub64(Reg dst, Reg src) { return emitAlu(AluOp.SUB, true, dst, src, 0); }
    /** {@code rdst -= imm}. */
    public ProgramBuilder sub64(Reg dst, int imm) { return emitAlu(AluOp.SUB, true, dst, null, imm); }
    /** {@code wdst -= wsrc}. */
    public ProgramBuilder sub32(Reg dst, Reg src) { return emitAlu(AluOp.SUB, false, dst, src, 0); }
    /** {@code wdst -= imm}. */
    public ProgramBuilder sub32(Reg dst, int imm) { return emitAlu(AluOp.SUB, false, dst, null, imm); }
    /** {@code rdst *= rsrc}. */
    public ProgramBuilder mul64(Reg dst, Reg src) { return emitAlu(AluOp.MUL, true, dst, src, 0); }
    /** {@code rdst *= imm}. */
    public ProgramBuilder mul64(Reg dst, int imm) { return emitAlu(AluOp.MUL, true, dst, null, imm); }
    /** {@code wdst *= wsrc}. */
    public ProgramBuilder mul32(Reg dst, Reg src) { return emitAlu(AluOp.MUL, false, dst, src, 0); }
    /** {@code wdst *= imm}. */
    public ProgramBuilder mul32(Reg dst, int imm) { return emitAlu(AluOp.MUL, false, dst, null, imm); }
    /** {@code rdst /= rsrc}. */
    public ProgramBuilder div64(Reg dst, Reg src) { return emitAlu(AluOp.DIV, true, dst, src, 0); }
    /** {@code rdst /= imm}. */
    public ProgramBuilder div64(Reg dst, int imm) { return emitAlu(AluOp.DIV, true, dst, null, imm); }
    /** {@code wdst /= wsrc}. */
    public ProgramBuilder div32(Reg dst, Reg src) { return emitAlu(AluOp.DIV, false, dst, src, 0); }
    /** {@code wdst /= imm}. */
    public ProgramBuilder div32(Reg dst, int imm) { return emitAlu(AluOp.DIV, false, dst, null, imm); }
    /** {@code rdst s/= rsrc} (cpu v4, Linux 6.6). */
    public ProgramBuilder sdiv64(Reg dst, Reg src) { return emitAlu(AluOp.SDIV, true, dst, src, 0); }
    /** {@code rdst s/= imm}. */
    public ProgramBuilder sdiv64(Reg dst, int imm) { return emitAlu(AluOp.SDIV, true, dst, null, imm); }
    /** {@code wdst s/= wsrc} (cpu v4, Linux 6.6). */
    public ProgramBuilder sdiv32(Reg dst, Reg src) { return emitAlu(AluOp.SDIV, false, dst, src, 0); }
    /** {@code wdst s/= imm}. */
    public ProgramBuilder sdiv32(Reg dst, int imm) { return emitAlu(AluOp.SDIV, false, dst, null, imm); }
    /** {@code rdst |= rsrc}. */
    public ProgramBuilder or64(Reg dst, Reg src) { return emitAlu(AluOp.OR, true, dst, src, 0); }
    /** {@code rdst |= imm}. */
    public ProgramBuilder or64(Reg dst, int imm) { return emitAlu(AluOp.OR, true, dst, null, imm); }
    /** {@code wdst |= wsrc}. */
    public ProgramBuilder or32(Reg dst, Reg src) { return emitAlu(AluOp.OR, false, dst, src, 0); }
    /** {@code wdst |= imm}. */
    public ProgramBuilder or32(Reg dst, int imm) { return emitAlu(AluOp.OR, false, dst, null, imm); }
    /** {@code rdst &= rsrc}. */
    public ProgramBuilder and64(Reg dst, Reg src) { return emitAlu(AluOp.AND, true, dst, src, 0); }
    /** {@code rdst &= imm}. */
    public ProgramBuilder and64(Reg dst, int imm) { return emitAlu(AluOp.AND, true, dst, null, imm); }
    /** {@code wdst &= wsrc}. */
    public ProgramBuilder and32(Reg dst, Reg src) { return emitAlu(AluOp.AND, false, dst, src, 0); }
    /** {@code wdst &= imm}. */
    public ProgramBuilder and32(Reg dst, int imm) { return emitAlu(AluOp.AND, false, dst, null, imm); }
    /** {@code rdst <<= rsrc}. */
    public ProgramBuilder lsh64(Reg dst, Reg src) { return emitAlu(AluOp.LSH, true, dst, src, 0); }
    /** {@code rdst <<= imm}. */
    public ProgramBuilder lsh64(Reg dst, int imm) { return emitAlu(AluOp.LSH, true, dst, null, imm); }
    /** {@code wdst <<= wsrc}. */
    public ProgramBuilder lsh32(Reg dst, Reg src) { return emitAlu(AluOp.LSH, false, dst, src, 0); }
    /** {@code wdst <<= imm}. */
    public ProgramBuilder lsh32(Reg dst, int imm) { return emitAlu(AluOp.LSH, false, dst, null, imm); }
    /** {@code rdst >>= rsrc}. */
    public ProgramBuilder rsh64(Reg dst, Reg src) { return emitAlu(AluOp.RSH, true, dst, src, 0); }
    /** {@code rdst >>= imm}. */
    public ProgramBuilder rsh64(Reg dst, int imm) { return emitAlu(AluOp.RSH, true, dst, null, imm); }
    /** {@code wdst >>= wsrc}. */
    public ProgramBuilder rsh32(Reg dst, Reg src) { return emitAlu(AluOp.RSH, false, dst, src, 0); }
    /** {@code wdst >>= imm}. */
    public ProgramBuilder rsh32(Reg dst, int imm) { return emitAlu(AluOp.RSH, false, dst, null, imm); }
    /** {@code rdst %= rsrc}. */
    public ProgramBuilder mod64(Reg dst, Reg src) { return emitAlu(AluOp.MOD, true, dst, src, 0); }
    /** {@code rdst %= imm}. */
    public ProgramBuilder mod64(Reg dst, int imm) { return emitAlu(AluOp.MOD, true, dst, null, imm); }
    /** {@code wdst %= wsrc}. */
    public ProgramBuilder mod32(Reg dst, Reg src) { return emitAlu(AluOp.MOD, false, dst, src, 0); }
    /** {@code wdst %= imm}. */
    public ProgramBuilder mod32(Reg dst, int imm) { return emitAlu(AluOp.MOD, false, dst, null, imm); }
    /** {@code rdst s%= rsrc} (cpu v4, Linux 6.6). */
    public ProgramBuilder smod64(Reg dst, Reg src) { return emitAlu(AluOp.SMOD, true, dst, src, 0); }
    /** {@code rdst s%= imm}. */
    public ProgramBuilder smod64(Reg dst, int imm) { return emitAlu(AluOp.SMOD, true, dst, null, imm); }
    /** {@code wdst s%= wsrc} (cpu v4, Linux 6.6). */
    public ProgramBuilder smod32(Reg dst, Reg src) { return emitAlu(AluOp.SMOD, false, dst, src, 0); }
    /** {@code wdst s%= imm}. */
    public ProgramBuilder smod32(Reg dst, int imm) { return emitAlu(AluOp.SMOD, false, dst, null, imm); }
    /** {@code rdst ^= rsrc}. */
    public ProgramBuilder xor64(Reg dst, Reg src) { return emitAlu(AluOp.XOR, true, dst, src, 0); }
    /** {@code rdst ^= imm}. */
    public ProgramBuilder xor64(Reg dst, int imm) { return emitAlu(AluOp.XOR, true, dst, null, imm); }
    /** {@code wdst ^= wsrc}. */
    public ProgramBuilder xor32(Reg dst, Reg src) { return emitAlu(AluOp.XOR, false, dst, src, 0); }
    /** {@code wdst ^= imm}. */
    public ProgramBuilder xor32(Reg dst, int imm) { return emitAlu(AluOp.XOR, false, dst, null, imm); }
    /** {@code rdst = rsrc}. */
    public ProgramBuilder mov64(Reg dst, Reg src) { return emitAlu(AluOp.MOV, true, dst, src, 0); }
    /** {@code rdst = imm}. */
    public ProgramBuilder mov64(Reg dst, int imm) { return emitAlu(AluOp.MOV, true, dst, null, imm); }
    /** {@code wdst = wsrc}. */
    public ProgramBuilder mov32(Reg dst, Reg src) { return emitAlu(AluOp.MOV, false, dst, src, 0); }
    /** {@code wdst = imm}. */
    public ProgramBuilder mov32(Reg dst, int imm) { return emitAlu(AluOp.MOV, false, dst, null, imm); }
    /** {@code rdst s>>= rsrc}. */
    public ProgramBuilder arsh64(Reg dst, Reg src) { return emitAlu(AluOp.ARSH, true, dst, src, 0); }
    /** {@code rdst s>>= imm}. */
    public ProgramBuilder arsh64(Reg dst, int imm) { return emitAlu(AluOp.ARSH, true, dst, null, imm); }
    /** {@code wdst s>>= wsrc}. */
    public ProgramBuilder arsh32(Reg dst, Reg src) { return emitAlu(AluOp.ARSH, false, dst, src, 0); }
    /** {@code wdst s>>= imm}. */
    public ProgramBuilder arsh32(Reg dst, int imm) { return emitAlu(AluOp.ARSH, false, dst, null, imm); }
    /** {@code if rdst == rsrc goto label}. */
    public ProgramBuilder jeq(Reg dst, Reg src, String label) { return emitJump(JumpOp.JEQ, false, dst, src, 0, 0, label); }
    /** {@code if rdst == imm goto label}. */
    public ProgramBuilder jeq(Reg dst, int imm, String label) { return emitJump(JumpOp.JEQ, false, dst, null, imm, 0, label); }
    /** {@code if wdst == wsrc goto label}. */
    public ProgramBuilder jeq32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JEQ, true, dst, src, 0, 0, label); }
    /** {@code if wdst == imm goto label}. */
    public ProgramBuilder jeq32(Reg dst, int imm, String label) { return emitJump(JumpOp.JEQ, true, dst, null, imm, 0, label); }
    /** {@code if rdst > rsrc goto label}. */
    public ProgramBuilder jgt(Reg dst, Reg src, String label) { return emitJump(JumpOp.JGT, false, dst, src, 0, 0, label); }
    /** {@code if rdst > imm goto label}. */
    public ProgramBuilder jgt(Reg dst, int imm, String label) { return emitJump(JumpOp.JGT, false, dst, null, imm, 0, label); }
    /** {@code if wdst > wsrc goto label}. */
    public ProgramBuilder jgt32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JGT, true, dst, src, 0, 0, label); }
    /** {@code if wdst > imm goto label}. */
    public ProgramBuilder jgt32(Reg dst, int imm, String label) { return emitJump(JumpOp.JGT, true, dst, null, imm, 0, label); }
    /** {@code if rdst >= rsrc goto label}. */
    public ProgramBuilder jge(Reg dst, Reg src, String label) { return emitJump(JumpOp.JGE, false, dst, src, 0, 0, label); }
    /** {@code if rdst >= imm goto label}. */
    public ProgramBuilder jge(Reg dst, int imm, String label) { return emitJump(JumpOp.JGE, false, dst, null, imm, 0, label); }
    /** {@code if wdst >= wsrc goto label}. */
    public ProgramBuilder jge32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JGE, true, dst, src, 0, 0, label); }
    /** {@code if wdst >= imm goto label}. */
    public ProgramBuilder jge32(Reg dst, int imm, String label) { return emitJump(JumpOp.JGE, true, dst, null, imm, 0, label); }
    /** {@code if rdst & rsrc goto label}. */
    public ProgramBuilder jset(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSET, false, dst, src, 0, 0, label); }
    /** {@code if rdst & imm goto label}. */
    public ProgramBuilder jset(Reg dst, int imm, String label) { return emitJump(JumpOp.JSET, false, dst, null, imm, 0, label); }
    /** {@code if wdst & wsrc goto label}. */
    public ProgramBuilder jset32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSET, true, dst, src, 0, 0, label); }
    /** {@code if wdst & imm goto label}. */
    public ProgramBuilder jset32(Reg dst, int imm, String label) { return emitJump(JumpOp.JSET, true, dst, null, imm, 0, label); }
    /** {@code if rdst != rsrc goto label}. */
    public ProgramBuilder jne(Reg dst, Reg src, String label) { return emitJump(JumpOp.JNE, false, dst, src, 0, 0, label); }
    /** {@code if rdst != imm goto label}. */
    public ProgramBuilder jne(Reg dst, int imm, String label) { return emitJump(JumpOp.JNE, false, dst, null, imm, 0, label); }
    /** {@code if wdst != wsrc goto label}. */
    public ProgramBuilder jne32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JNE, true, dst, src, 0, 0, label); }
    /** {@code if wdst != imm goto label}. */
    public ProgramBuilder jne32(Reg dst, int imm, String label) { return emitJump(JumpOp.JNE, true, dst, null, imm, 0, label); }
    /** {@code if rdst s> rsrc goto label}. */
    public ProgramBuilder jsgt(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSGT, false, dst, src, 0, 0, label); }
    /** {@code if rdst s> imm goto label}. */
    public ProgramBuilder jsgt(Reg dst, int imm, String label) { return emitJump(JumpOp.JSGT, false, dst, null, imm, 0, label); }
    /** {@code if wdst s> wsrc goto label}. */
    public ProgramBuilder jsgt32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSGT, true, dst, src, 0, 0, label); }
    /** {@code if wdst s> imm goto label}. */
    public ProgramBuilder jsgt32(Reg dst, int imm, String label) { return emitJump(JumpOp.JSGT, true, dst, null, imm, 0, label); }
    /** {@code if rdst s>= rsrc goto label}. */
    public ProgramBuilder jsge(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSGE, false, dst, src, 0, 0, label); }
    /** {@code if rdst s>= imm goto label}. */
    public ProgramBuilder jsge(Reg dst, int imm, String label) { return emitJump(JumpOp.JSGE, false, dst, null, imm, 0, label); }
    /** {@code if wdst s>= wsrc goto label}. */
    public ProgramBuilder jsge32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSGE, true, dst, src, 0, 0, label); }
    /** {@code if wdst s>= imm goto label}. */
    public ProgramBuilder jsge32(Reg dst, int imm, String label) { return emitJump(JumpOp.JSGE, true, dst, null, imm, 0, label); }
    /** {@code if rdst < rsrc goto label}. */
    public ProgramBuilder jlt(Reg dst, Reg src, String label) { return emitJump(JumpOp.JLT, false, dst, src, 0, 0, label); }
    /** {@code if rdst < imm goto label}. */
    public ProgramBuilder jlt(Reg dst, int imm, String label) { return emitJump(JumpOp.JLT, false, dst, null, imm, 0, label); }
    /** {@code if wdst < wsrc goto label}. */
    public ProgramBuilder jlt32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JLT, true, dst, src, 0, 0, label); }
    /** {@code if wdst < imm goto label}. */
    public ProgramBuilder jlt32(Reg dst, int imm, String label) { return emitJump(JumpOp.JLT, true, dst, null, imm, 0, label); }
    /** {@code if rdst <= rsrc goto label}. */
    public ProgramBuilder jle(Reg dst, Reg src, String label) { return emitJump(JumpOp.JLE, false, dst, src, 0, 0, label); }
    /** {@code if rdst <= imm goto label}. */
    public ProgramBuilder jle(Reg dst, int imm, String label) { return emitJump(JumpOp.JLE, false, dst, null, imm, 0, label); }
    /** {@code if wdst <= wsrc goto label}. */
    public ProgramBuilder jle32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JLE, true, dst, src, 0, 0, label); }
    /** {@code if wdst <= imm goto label}. */
    public ProgramBuilder jle32(Reg dst, int imm, String label) { return emitJump(JumpOp.JLE, true, dst, null, imm, 0, label); }
    /** {@code if rdst s< rsrc goto label}. */
    public ProgramBuilder jslt(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSLT, false, dst, src, 0, 0, label); }
    /** {@code if rdst s< imm goto label}. */
    public ProgramBuilder jslt(Reg dst, int imm, String label) { return emitJump(JumpOp.JSLT, false, dst, null, imm, 0, label); }
    /** {@code if wdst s< wsrc goto label}. */
    public ProgramBuilder jslt32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSLT, true, dst, src, 0, 0, label); }
    /** {@code if wdst s< imm goto label}. */
    public ProgramBuilder jslt32(Reg dst, int imm, String label) { return emitJump(JumpOp.JSLT, true, dst, null, imm, 0, label); }
    /** {@code if rdst s<= rsrc goto label}. */
    public ProgramBuilder jsle(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSLE, false, dst, src, 0, 0, label); }
    /** {@code if rdst s<= imm goto label}. */
    public ProgramBuilder jsle(Reg dst, int imm, String label) { return emitJump(JumpOp.JSLE, false, dst, null, imm, 0, label); }
    /** {@code if wdst s<= wsrc goto label}. */
    public ProgramBuilder jsle32(Reg dst, Reg src, String label) { return emitJump(JumpOp.JSLE, true, dst, src, 0, 0, label); }
    /** {@code if wdst s<= imm goto label}. */
    public ProgramBuilder jsle32(Reg dst, int imm, String label) { return emitJump(JumpOp.JSLE, true, dst, null, imm, 0, label); }
    /** {@code rdst = -rdst}. */
    public ProgramBuilder neg64(Reg dst) { return emitAlu(AluOp.NEG, true, dst, null, 0); }
    /** {@code wdst = -wdst}. */
    public ProgramBuilder neg32(Reg dst) { return emitAlu(AluOp.NEG, false, dst, null, 0); }
    /** {@code rdst = (s8|s16|s32)rsrc} (cpu v4, Linux 6.6); {@code bits} is 8, 16 or 32. */
    public ProgramBuilder movsx64(Reg dst, Reg src, int bits) { return emitAlu(movsx(bits), true, dst, src, 0); }
    /** {@code wdst = (s8|s16)wsrc} (cpu v4, Linux 6.6); {@code bits} is 8 or 16. */
    public ProgramBuilder movsx32(Reg dst, Reg src, int bits) { return emitAlu(movsx(bits), false, dst, src, 0); }

    private static AluOp movsx(int bits) {
        switch (bits) {
            case 8: return AluOp.MOVSX8;
            case 16: return AluOp.MOVSX16;
            case 32: return AluOp.MOVSX32;
            default: throw new IllegalArgumentException("movsx: " + bits + " bits unsupported: expected 8, 16 or 32");
        }
    }

    /** {@code rdst = le16/le32/le64 rdst}: host to little endian. */
    public ProgramBuilder le(Reg dst, int width) { return emitEndian(ByteSwap.LE, width, dst); }
    /** {@code rdst = be16/be32/be64 rdst}: host to big endian. */
    public ProgramBuilder be(Reg dst, int width) { return emitEndian(ByteSwap.BE, width, dst); }
    /** {@code rdst = bswap16/32/64 rdst} (cpu v4, Linux 6.6). */
    public ProgramBuilder bswap(Reg dst, int width) { return emitEndian(ByteSwap.BSWAP, width, dst); }

    /** {@code rdst = addr_space_cast(rsrc, dstAs, srcAs)} (Linux 6.9, arena programs). */
    public ProgramBuilder addrSpaceCast(Reg dst, Reg src, int dstAs, int srcAs) {
        try {
            return append(new AddrSpaceCastInsn(dst, src, dstAs, srcAs));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    // ---- ld_imm64 -----------------------------------------------------------------------------

    /** {@code rdst = imm64 ll}: a full 64-bit constant (two slots). */
    public ProgramBuilder ldImm64(Reg dst, long imm) { return emitLdImm64(dst, PseudoSource.NONE, imm, null); }
    /** {@code rdst = map pointer}: the map's fd now if it has one, else resolved by name at load. */
    public ProgramBuilder ldMap(Reg dst, MapReference map) {
        try {   // no emit(lambda) here: a capturing lambda per call would allocate
            return append(Fragments.loadMap(dst, map));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** {@code rdst = &map value + offset} (array maps, {@code BPF_PSEUDO_MAP_VALUE}). */
    public ProgramBuilder ldMapValue(Reg dst, MapReference map, int offset) {
        return append(new LoadImm64Insn(dst, PseudoSource.MAP_VALUE,
                ((long) offset << 32) | (map.fd() & 0xffff_ffffL), map.name()));
    }

    /** {@code rdst = &kernel variable} by BTF id ({@code BPF_PSEUDO_BTF_ID}). */
    public ProgramBuilder ldBtfId(Reg dst, int btfId) { return emitLdImm64(dst, PseudoSource.BTF_ID, btfId & 0xffff_ffffL, null); }
    /** {@code rdst = &function at label}, for callbacks such as {@code bpf_loop} ({@code BPF_PSEUDO_FUNC}). */
    public ProgramBuilder ldFunc(Reg dst, String label) { return emitLdImm64(dst, PseudoSource.FUNC, 0, label); }
    /** {@code rdst = map pointer} by index into the load's {@code fd_array} ({@code BPF_PSEUDO_MAP_IDX}). */
    public ProgramBuilder ldMapIdx(Reg dst, int index) { return emitLdImm64(dst, PseudoSource.MAP_IDX, index & 0xffff_ffffL, null); }

    /** {@code rdst = &map value + offset}, map by {@code fd_array} index ({@code BPF_PSEUDO_MAP_IDX_VALUE}). */
    public ProgramBuilder ldMapIdxValue(Reg dst, int index, int offset) {
        return append(new LoadImm64Insn(dst, PseudoSource.MAP_IDX_VALUE,
                ((long) offset << 32) | (index & 0xffff_ffffL), null));
    }

    // ---- memory -------------------------------------------------------------------------------

    /** {@code rdst = *(u8 *)(rsrc + off)}. */
    public ProgramBuilder ldxb(Reg dst, Reg src, int off) { return emitLoad(Size.B, false, dst, src, off); }
    /** {@code rdst = *(u16 *)(rsrc + off)}. */
    public ProgramBuilder ldxh(Reg dst, Reg src, int off) { return emitLoad(Size.H, false, dst, src, off); }
    /** {@code rdst = *(u32 *)(rsrc + off)}. */
    public ProgramBuilder ldxw(Reg dst, Reg src, int off) { return emitLoad(Size.W, false, dst, src, off); }
    /** {@code rdst = *(u64 *)(rsrc + off)}. */
    public ProgramBuilder ldxdw(Reg dst, Reg src, int off) { return emitLoad(Size.DW, false, dst, src, off); }
    /** {@code rdst = *(s8 *)(rsrc + off)} (cpu v4, Linux 6.6). */
    public ProgramBuilder ldsxb(Reg dst, Reg src, int off) { return emitLoad(Size.B, true, dst, src, off); }
    /** {@code rdst = *(s16 *)(rsrc + off)} (cpu v4, Linux 6.6). */
    public ProgramBuilder ldsxh(Reg dst, Reg src, int off) { return emitLoad(Size.H, true, dst, src, off); }
    /** {@code rdst = *(s32 *)(rsrc + off)} (cpu v4, Linux 6.6). */
    public ProgramBuilder ldsxw(Reg dst, Reg src, int off) { return emitLoad(Size.W, true, dst, src, off); }
    /** {@code rdst = *(size *)(rsrc + off)}, width chosen at run time. */
    public ProgramBuilder ldx(Size size, Reg dst, Reg src, int off) { return emitLoad(size, false, dst, src, off); }
    /** {@code *(u8 *)(rdst + off) = rsrc}. */
    public ProgramBuilder stxb(Reg dst, int off, Reg src) { return emitStore(Size.B, dst, off, src, 0); }
    /** {@code *(u16 *)(rdst + off) = rsrc}. */
    public ProgramBuilder stxh(Reg dst, int off, Reg src) { return emitStore(Size.H, dst, off, src, 0); }
    /** {@code *(u32 *)(rdst + off) = rsrc}. */
    public ProgramBuilder stxw(Reg dst, int off, Reg src) { return emitStore(Size.W, dst, off, src, 0); }
    /** {@code *(u64 *)(rdst + off) = rsrc}. */
    public ProgramBuilder stxdw(Reg dst, int off, Reg src) { return emitStore(Size.DW, dst, off, src, 0); }
    /** {@code *(size *)(rdst + off) = rsrc}, width chosen at run time. */
    public ProgramBuilder stx(Size size, Reg dst, int off, Reg src) { return emitStore(size, dst, off, src, 0); }
    /** {@code *(u8 *)(rdst + off) = imm}. */
    public ProgramBuilder stb(Reg dst, int off, int imm) { return emitStore(Size.B, dst, off, null, imm); }
    /** {@code *(u16 *)(rdst + off) = imm}. */
    public ProgramBuilder sth(Reg dst, int off, int imm) { return emitStore(Size.H, dst, off, null, imm); }
    /** {@code *(u32 *)(rdst + off) = imm}. */
    public ProgramBuilder stw(Reg dst, int off, int imm) { return emitStore(Size.W, dst, off, null, imm); }
    /** {@code *(u64 *)(rdst + off) = imm} (sign-extended). */
    public ProgramBuilder stdw(Reg dst, int off, int imm) { return emitStore(Size.DW, dst, off, null, imm); }
    /** {@code *(size *)(rdst + off) = imm}, width chosen at run time. */
    public ProgramBuilder st(Size size, Reg dst, int off, int imm) { return emitStore(size, dst, off, null, imm); }
    /** An atomic operation on {@code *(size *)(rdst + off)} with {@code rsrc}; see {@link AtomicOp}. */
    public ProgramBuilder atomic(AtomicOp op, Size size, Reg dst, int off, Reg src) { return emitAtomic(op, size, dst, src, off); }
    /** {@code lock *(u64 *)(rdst + off) += rsrc}. */
    public ProgramBuilder atomicAdd64(Reg dst, int off, Reg src) { return atomic(AtomicOp.ADD, Size.DW, dst, off, src); }
    /** {@code lock *(u32 *)(rdst + off) += wsrc}. */
    public ProgramBuilder atomicAdd32(Reg dst, int off, Reg src) { return atomic(AtomicOp.ADD, Size.W, dst, off, src); }

    /** {@code rdst = load_acquire((size *)(rsrc + off))} (Linux 6.15). */
    public ProgramBuilder loadAcquire(Size size, Reg dst, Reg src, int off) {
        return emitAtomic(AtomicOp.LOAD_ACQUIRE, size, dst, src, off);
    }

    /** {@code store_release((size *)(rdst + off), rsrc)} (Linux 6.15). */
    public ProgramBuilder storeRelease(Size size, Reg dst, int off, Reg src) {
        return emitAtomic(AtomicOp.STORE_RELEASE, size, dst, src, off);
    }

    /** {@code r0 = ntoh(*(size *)skb[imm])}: legacy absolute packet load (socket filters). */
    public ProgramBuilder ldAbs(Size size, int imm) { return emitPacket(size, false, null, imm); }
    /** {@code r0 = ntoh(*(size *)skb[rsrc + imm])}: legacy indirect packet load. */
    public ProgramBuilder ldInd(Size size, Reg src, int imm) { return emitPacket(size, true, src, imm); }

    // ---- control flow -------------------------------------------------------------------------

    /** A conditional jump chosen at run time. */
    public ProgramBuilder jump(JumpOp op, boolean jmp32, Reg dst, Reg src, String label) {
        return emitJump(op, jmp32, dst, src, 0, 0, label);
    }

    /** A conditional jump against an immediate, chosen at run time. */
    public ProgramBuilder jump(JumpOp op, boolean jmp32, Reg dst, int imm, String label) {
        return emitJump(op, jmp32, dst, null, imm, 0, label);
    }

    /** {@code goto label} (becomes {@code gotol} if the label is beyond 16 bits). */
    public ProgramBuilder ja(String label) { return emitGoto(false, 0, label); }
    /** {@code gotol label}: always the 32-bit form (cpu v4, Linux 6.6). */
    public ProgramBuilder gotol(String label) { return emitGoto(true, 0, label); }

    /** {@code may_goto label} (Linux 6.9). */
    public ProgramBuilder mayGoto(String label) {
        try {
            return append(new MayGotoInsn(0, label));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** {@code call helper}: r1..r5 are the arguments, r0 the result; r1..r5 are clobbered. */
    public ProgramBuilder call(Helper helper) {
        return emitCall(CallInsn.Type.HELPER, helper == null ? 0 : helper.number(), 0, null, helper == null);
    }

    /** {@code call imm}: a helper by number (for helpers newer than this catalogue). */
    public ProgramBuilder call(int helperNumber) { return emitCall(CallInsn.Type.HELPER, helperNumber, 0, null, false); }
    /** {@code call label}: a bpf-to-bpf call to the function starting at {@code label}. */
    public ProgramBuilder callLocal(String label) { return emitCall(CallInsn.Type.LOCAL, 0, 0, label, false); }
    /** {@code call kfunc}: a kernel function by its BTF id in vmlinux. */
    public ProgramBuilder callKfunc(int btfId) { return emitCall(CallInsn.Type.KFUNC, btfId, 0, null, false); }
    /** {@code exit}: return r0. */
    public ProgramBuilder exit() { return add(EXIT); }

    // ---- common sequences (see Fragments for the register rules) ------------------------------

    /** {@code r0 = bpf_ktime_get_ns()}. Clobbers r0..r5; see {@link Fragments#ktimeGetNs()}. */
    public ProgramBuilder ktimeGetNs() {
        try {   // no emit(lambda) here: a capturing lambda per call would allocate
            return append(Fragments.ktimeGetNs());
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }
    /** {@code pid} = low, {@code tgid} = high half of {@code bpf_get_current_pid_tgid()}; either may be null. Clobbers r0..r5. */
    public ProgramBuilder getCurrentPidTgid(Reg pid, Reg tgid) { return emit(out -> Fragments.getCurrentPidTgid(out, pid, tgid)); }
    /** {@code uid} = low, {@code gid} = high half of {@code bpf_get_current_uid_gid()}; either may be null. Clobbers r0..r5. */
    public ProgramBuilder getCurrentUidGid(Reg uid, Reg gid) { return emit(out -> Fragments.getCurrentUidGid(out, uid, gid)); }

    /** {@code r0 = bpf_get_current_comm(base + offset, size)}. Clobbers r0..r5. */
    public ProgramBuilder getCurrentComm(Reg base, int offset, int size) {
        return emit(out -> Fragments.getCurrentComm(out, base, offset, size));
    }

    /** {@code r0 = bpf_ringbuf_reserve(map, size, 0)}: a record or NULL. Clobbers r0..r5. */
    public ProgramBuilder ringbufReserve(MapReference map, int size) { return emit(out -> Fragments.ringbufReserve(out, map, size)); }
    /** {@code bpf_ringbuf_submit(record, flags)}. Clobbers r0..r5. */
    public ProgramBuilder ringbufSubmit(Reg record, int flags) { return emit(out -> Fragments.ringbufSubmit(out, record, flags)); }
    /** {@code bpf_ringbuf_discard(record, flags)}. Clobbers r0..r5. */
    public ProgramBuilder ringbufDiscard(Reg record, int flags) { return emit(out -> Fragments.ringbufDiscard(out, record, flags)); }

    /** {@code r0 = bpf_ringbuf_output(map, data, size, flags)}. Clobbers r0..r5. */
    public ProgramBuilder ringbufOutput(MapReference map, Reg data, int size, int flags) {
        try {   // no emit(lambda) here: a capturing lambda per call would allocate
            return append(Fragments.ringbufOutput(map, data, size, flags));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** {@code r0 = bpf_map_lookup_elem(map, keyPtr)}: value pointer or NULL. Clobbers r0..r5. */
    public ProgramBuilder mapLookup(MapReference map, Reg keyPtr) {
        try {   // no emit(lambda) here: a capturing lambda per call would allocate
            return append(Fragments.mapLookup(map, keyPtr));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** {@code r0 = bpf_map_update_elem(map, keyPtr, valuePtr, flags)}. Clobbers r0..r5. */
    public ProgramBuilder mapUpdate(MapReference map, Reg keyPtr, Reg valuePtr, long flags) {
        try {   // no emit(lambda) here: a capturing lambda per call would allocate
            return append(Fragments.mapUpdate(map, keyPtr, valuePtr, flags));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }

    /** {@code r0 = bpf_probe_read_kernel(dst, size, unsafePtr)}. Clobbers r0..r5. */
    public ProgramBuilder probeReadKernel(Reg dst, int size, Reg unsafePtr) {
        return emit(out -> Fragments.probeRead(out, Helper.PROBE_READ_KERNEL, dst, 0, size, unsafePtr, 0));
    }

    /** {@code r0 = bpf_probe_read_user(dst, size, unsafePtr)}. Clobbers r0..r5. */
    public ProgramBuilder probeReadUser(Reg dst, int size, Reg unsafePtr) {
        return emit(out -> Fragments.probeRead(out, Helper.PROBE_READ_USER, dst, 0, size, unsafePtr, 0));
    }

    /** {@code r0 = bpf_probe_read_kernel_str(dst, size, unsafePtr)}. Clobbers r0..r5. */
    public ProgramBuilder probeReadKernelStr(Reg dst, int size, Reg unsafePtr) {
        return emit(out -> Fragments.probeRead(out, Helper.PROBE_READ_KERNEL_STR, dst, 0, size, unsafePtr, 0));
    }

    /** {@code r0 = bpf_probe_read_user_str(dst, size, unsafePtr)}. Clobbers r0..r5. */
    public ProgramBuilder probeReadUserStr(Reg dst, int size, Reg unsafePtr) {
        return emit(out -> Fragments.probeRead(out, Helper.PROBE_READ_USER_STR, dst, 0, size, unsafePtr, 0));
    }

    /** {@code bpf_trace_printk(format, …)}, format written to the top of the stack. Clobbers r0..r5. */
    public ProgramBuilder tracePrintk(String format, Reg... args) {
        try {   // no emit(lambda) here: a capturing lambda per call would allocate
            return append(Fragments.tracePrintk(format, args));
        } catch (IllegalArgumentException e) {
            throw at(e);
        }
    }
}
