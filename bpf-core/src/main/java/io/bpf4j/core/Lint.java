package io.bpf4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rules a program should keep although the instruction set can encode their breach. Decoding and
 * printing accept every encoding (the kernel's printer prints them, and the kernel's own verifier
 * tests load such programs to see them rejected); the places that <em>build</em> programs refuse
 * them by default: {@link ProgramBuilder} throws when one is appended, {@link TextAssembler}
 * reports the line. Both can be told to allow a rule on purpose
 * ({@link ProgramBuilder#allow(Rule...)}, {@link TextAssembler.Options#allow(Rule...)}), and
 * {@link #check(Program)} lists every breach in any program.
 *
 * <pre>{@code
 * Program p = Program.builder().allow(Lint.Rule.DIVISION_BY_ZERO)
 *         .mov64(Reg.R0, 1).div64(Reg.R0, 0).exit().build();   // on purpose: a verifier test
 * Lint.check(p);   // [slot 1: division by zero: r0 /= 0 divides by the immediate 0]
 * }</pre>
 */
public final class Lint {
    private Lint() {
    }

    /** What a program should not contain. */
    public enum Rule {
        /** An instruction writes r10, the read-only frame pointer. */
        WRITES_FRAME_POINTER,
        /** {@code div}, {@code sdiv}, {@code mod} or {@code smod} by the immediate 0. */
        DIVISION_BY_ZERO,
        /** A shift by an immediate outside 0..31 (32-bit) or 0..63 (64-bit). */
        SHIFT_OUT_OF_RANGE,
        /** A slot kept as raw bytes ({@link RawInsn}: {@code .8byte}, or undecodable input). */
        RAW_SLOT,
        /** A jump, call or function reference whose target lies outside the program. */
        TARGET_OUTSIDE_PROGRAM,
        /** The last instruction is neither {@code exit} nor {@code goto}: the CPU would run off the end. */
        NO_FINAL_EXIT;

        /** The rule's name on command lines: {@code division-by-zero}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The rule named {@code id} ({@code division-by-zero}, case and {@code _}/{@code -} ignored). */
        public static Rule byId(String id) {
            String norm = id == null ? "" : id.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Rule r : values()) {
                if (r.name().equals(norm)) {
                    return r;
                }
            }
            List<String> ids = new ArrayList<>();
            for (Rule r : values()) {
                ids.add(r.id());
            }
            throw new IllegalArgumentException("unknown rule '" + Text.excerpt(id) + "': expected one of " + ids);
        }

        /** True for rules about one instruction, false for rules about the program's shape. */
        public boolean perInstruction() {
            return this != TARGET_OUTSIDE_PROGRAM && this != NO_FINAL_EXIT;
        }
    }

    /**
     * One breach.
     *
     * @param rule the rule broken
     * @param slot the 8-byte slot of the instruction (as the verifier counts), or -1 for the whole program
     * @param instruction the instruction's index in {@link Program#instructions()} (labels included), or -1
     * @param message what is wrong, naming the instruction
     */
    public record Finding(Rule rule, int slot, int instruction, String message) {
        @Override
        public String toString() {
            return (slot >= 0 ? "slot " + slot + ": " : "") + message;
        }
    }

    /** No rule allowed: what builders and the text assembler enforce by default. */
    static final Set<Rule> NONE = Collections.unmodifiableSet(EnumSet.noneOf(Rule.class));

    /**
     * The first per-instruction rule {@code in} breaks, or null. Allocates nothing, so builders can
     * call it on every instruction.
     */
    public static Rule violation(Instruction in) {
        switch (in.kind()) {
            case ALU: {
                AluInsn a = (AluInsn) in;
                if (a.dst() == Reg.R10) {
                    return Rule.WRITES_FRAME_POINTER;
                }
                if (a.src() == null) {
                    AluOp op = a.op();
                    if (op.isShift() && (a.imm() < 0 || a.imm() >= (a.alu64() ? 64 : 32))) {
                        return Rule.SHIFT_OUT_OF_RANGE;
                    }
                    if ((op == AluOp.DIV || op == AluOp.SDIV || op == AluOp.MOD || op == AluOp.SMOD) && a.imm() == 0) {
                        return Rule.DIVISION_BY_ZERO;
                    }
                }
                return null;
            }
            case ENDIAN:
                return ((EndianInsn) in).dst() == Reg.R10 ? Rule.WRITES_FRAME_POINTER : null;
            case ADDR_SPACE_CAST:
                return ((AddrSpaceCastInsn) in).dst() == Reg.R10 ? Rule.WRITES_FRAME_POINTER : null;
            case LOAD:
                return ((LoadInsn) in).dst() == Reg.R10 ? Rule.WRITES_FRAME_POINTER : null;
            case LD_IMM64:
                return ((LoadImm64Insn) in).dst() == Reg.R10 ? Rule.WRITES_FRAME_POINTER : null;
            case ATOMIC: {
                AtomicInsn a = (AtomicInsn) in;
                Reg written = a.op() == AtomicOp.LOAD_ACQUIRE ? a.dst()
                        : a.op().fetches() && a.op() != AtomicOp.CMPXCHG ? a.src() : null;
                return written == Reg.R10 ? Rule.WRITES_FRAME_POINTER : null;
            }
            case RAW:
                return Rule.RAW_SLOT;
            default:
                return null;
        }
    }

    /** The per-instruction rules {@code in} breaks that {@code allowed} does not allow, as a message; null if none. */
    static String problem(Instruction in, Set<Rule> allowed) {
        Rule r = violation(in);
        if (r == null || allowed.contains(r)) {
            return null;
        }
        return explain(in, r);
    }

    /** The message for {@code in} breaking {@code rule}, with the way to allow it. */
    static String explain(Instruction in, Rule rule) {
        String text = Text.excerpt(Disassembler.format(in));
        String why;
        switch (rule) {
            case WRITES_FRAME_POINTER:
                why = "writes r10, the read-only frame pointer";
                break;
            case DIVISION_BY_ZERO:
                why = "divides by the immediate 0";
                break;
            case SHIFT_OUT_OF_RANGE: {
                AluInsn a = (AluInsn) in;
                why = "shifts by " + a.imm() + ": expected 0.." + (a.alu64() ? 63 : 31);
                break;
            }
            default:
                why = "is a raw slot, not a decoded instruction";
                break;
        }
        return text + " " + why + " (allow it on purpose with Lint.Rule." + rule.name() + " / --allow " + rule.id() + ")";
    }

    /** Every breach in {@code program}: per instruction, then of the program's shape. */
    public static List<Finding> check(Program program) {
        List<Finding> out = new ArrayList<>();
        List<Instruction> insns = program.instructions();
        int slot = 0;
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            Rule r = violation(in);
            if (r != null) {
                out.add(new Finding(r, slot, i, explain(in, r)));
            }
            slot += in.slots();
        }
        out.addAll(program.resolved().problems);
        return Collections.unmodifiableList(out);
    }
}
