package io.bpf4j.core;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the verifier syntax that {@link Disassembler} prints back into instructions, plus labels.
 * One instruction per line; each line may carry the listing's {@code N: (cc)} prefix (the opcode in
 * it is checked against the instruction) and a {@code ;} or {@code //} comment.
 *
 * <pre>
 *   r6 = r1                              ; a comment
 *   call bpf_ktime_get_ns                ; helper by name (or bpf_ktime_get_ns#5)
 *   if r0 == 0x0 goto out                ; labels: jumps, calls (call name), subprog[name]
 *   r1 = map[events]                     ; a map by name, its fd filled in at load
 *   r2 = r10
 *   r2 += -8
 *   out:
 *   3: (b7) r0 = 0                       ; the listing prefix is optional
 *   exit
 * </pre>
 *
 * <p>Numbers: {@code rN = IMM} is a {@code mov} whose 32-bit immediate is what the text says,
 * decimal or hexadecimal, as LLVM reads it ({@code r7 = 0xfaceb00c} is a mov the kernel
 * sign-extends); {@code rN = IMM ll} is an {@code ld_imm64}, and so is a line whose listing prefix
 * is {@code (18)}, which is how the verifier prints it ({@code 0: (18) r1 = 0x123456789}). A value
 * no mov can hold is an error that names the {@code ll} spelling. Numbers may carry C suffixes
 * ({@code 0xffffffff00000000ULL}); {@code -9223372036854775808} is read as clang prints
 * {@code LLONG_MIN}. GNU numeric local labels work ({@code 1:}, {@code goto 1f}, {@code goto 1b}),
 * and {@code .8byte N} is one raw slot ({@link RawInsn}). {@code call name#N}
 * is a helper when {@code name} is a helper or {@code unknown}, otherwise a kfunc with BTF id N
 * (the verifier prints kfuncs by name); {@code call name} without a number is a helper when the
 * catalogue knows {@code name}, otherwise a bpf-to-bpf call to label {@code name}. {@code w} and
 * {@code r} registers choose the 32- or 64-bit ALU and JMP classes. LLVM's spellings of the same
 * instructions are accepted too ({@code goto +3}, {@code (r2 + 8)}, {@code call 5},
 * {@code r1 = 0 ll}, {@code skb[r3]}, {@code w1 = *(u8 *)(r2 + 0)}, {@code r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)}),
 * so llvm-objdump output and the inline assembly of the kernel's selftests parse.
 *
 * <p>What the verifier rather than the assembler judges (a jump whose target lies outside the
 * program, a program that does not end in {@code exit}) is a warning ({@link Result#warnings()}),
 * an error only with {@link Options#strict()}. Instructions that {@link Lint} rules refuse (a write to
 * r10, division by the immediate 0, a shift beyond the width, a raw slot) are errors unless
 * {@link Options#allow(Lint.Rule...) allowed}.
 *
 * <pre>{@code
 * byte[] code = TextAssembler.assemble("r0 = 0\nexit\n", ByteOrder.LITTLE_ENDIAN);
 * Program p = TextAssembler.parse(Disassembler.disassemble(code, ByteOrder.LITTLE_ENDIAN));
 * }</pre>
 */
public final class TextAssembler {
    private TextAssembler() {
    }

    /** Assembles text in host byte order. */
    public static byte[] assemble(String text) {
        return assemble(text, ByteOrder.nativeOrder());
    }

    /**
     * Parses and assembles text (labels resolved, far jumps widened).
     *
     * @throws TextParseException naming the line (and column) of a syntax error, or the line of
     *         the instruction an {@link AssemblyException} is about
     */
    public static byte[] assemble(String text, ByteOrder order) {
        return assemble(text, order, Options.DEFAULT).bytecode();
    }

    /**
     * How to assemble: which {@link Lint} rules to allow on purpose, and whether what the verifier
     * judges (targets outside the program, no final exit) is an error rather than a warning.
     *
     * <pre>{@code
     * TextAssembler.Options o = TextAssembler.Options.DEFAULT.allow(Lint.Rule.DIVISION_BY_ZERO).strict(true);
     * }</pre>
     *
     * @param strict true to make warnings errors
     * @param allowed the rules whose breach is accepted
     */
    public record Options(boolean strict, java.util.Set<Lint.Rule> allowed) {
        /** Not strict, no rule allowed. */
        public static final Options DEFAULT = new Options(false, Lint.NONE);

        public Options {
            if (allowed == null) {
                throw new IllegalArgumentException("allowed rules missing: use an empty set");
            }
            allowed = java.util.Collections.unmodifiableSet(allowed.isEmpty()
                    ? java.util.EnumSet.noneOf(Lint.Rule.class) : java.util.EnumSet.copyOf(allowed));
        }

        /** These options with {@code rules} allowed too. */
        public Options allow(Lint.Rule... rules) {
            java.util.EnumSet<Lint.Rule> set = allowed.isEmpty()
                    ? java.util.EnumSet.noneOf(Lint.Rule.class) : java.util.EnumSet.copyOf(allowed);
            set.addAll(java.util.Arrays.asList(rules));
            return new Options(strict, set);
        }

        /** These options with every rule allowed, as verifier tests need. */
        public Options allowAll() {
            return new Options(strict, java.util.EnumSet.allOf(Lint.Rule.class));
        }

        /** These options, strict or not. */
        public Options strict(boolean on) {
            return new Options(on, allowed);
        }
    }

    /**
     * Assembled text.
     *
     * @param bytecode the bytes
     * @param warnings what the verifier will judge, each naming its line ({@code line 3: slot 2 …})
     */
    public record Result(byte[] bytecode, List<String> warnings) {
    }

    /**
     * Parses and assembles text with {@code options}.
     *
     * <pre>{@code
     * TextAssembler.Result r = TextAssembler.assemble("goto +5\n", ByteOrder.LITTLE_ENDIAN, TextAssembler.Options.DEFAULT);
     * r.warnings();   // [line 1: slot 0 (instruction 0: goto pc+5): offset 5 lands at slot 6, outside the program (0..0)]
     * }</pre>
     *
     * @throws TextParseException naming the line (and column) of a syntax error, of an instruction a
     *         rule refuses, or (strict) of what would otherwise be a warning
     */
    public static Result assemble(String text, ByteOrder order, Options options) {
        if (order == null || options == null) {
            throw new IllegalArgumentException("byte order and options are required");
        }
        Parsed parsed = parseWithLines(text, options);
        try {
            Assembler.Resolved r = parsed.program.resolved();
            List<String> warnings = new ArrayList<>();
            for (Lint.Finding f : r.problems) {
                int line = lineOf(parsed, f.instruction());
                if (options.strict()) {
                    throw new TextParseException(line, 0, f.message() + " (an error because assembly is strict)");
                }
                warnings.add("line " + line + ": " + f.message());
            }
            byte[] code = Assembler.assemble(parsed.program, order, true, false).bytecode();
            return new Result(code, java.util.Collections.unmodifiableList(warnings));
        } catch (AssemblyException e) {
            throw new TextParseException(lineOf(parsed, e.instruction()), 0, e.getMessage());
        }
    }

    private static int lineOf(Parsed parsed, int instruction) {
        return instruction >= 0 && instruction < parsed.lines.length ? parsed.lines[instruction] : parsed.lastLine;
    }

    /**
     * Parses text into a program (labels kept, offsets as written), refusing instructions that a
     * {@link Lint} rule refuses.
     *
     * @throws TextParseException naming the line and column of the first syntax error
     */
    public static Program parse(String text) {
        return parseWithLines(text, Options.DEFAULT).program;
    }

    /** Parses text into a program with {@code options} (only its allowed rules matter here). */
    public static Program parse(String text, Options options) {
        return parseWithLines(text, options).program;
    }

    private static final class Parsed {
        final Program program;
        final int[] lines;
        final int lastLine;

        Parsed(Program program, int[] lines, int lastLine) {
            this.program = program;
            this.lines = lines;
            this.lastLine = lastLine;
        }
    }

    private static Parsed parseWithLines(String text, Options options) {
        if (text == null) {
            throw new IllegalArgumentException("assembly text missing");
        }
        List<Instruction> out = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        String[] lines = withoutBlockComments(text).split("\n", -1);   // a trailing \r is whitespace to the line parser
        NumericLabels numeric = new NumericLabels();
        for (int i = 0; i < lines.length; i++) {
            Line l = new Line(lines[i], i + 1, numeric);
            Instruction in = l.parse();
            if (l.leadingLabel != null) {
                out.add(l.leadingLabel);
                lineOf.add(i + 1);
            }
            if (in != null) {
                String problem = Lint.problem(in, options.allowed());
                if (problem != null) {
                    throw new TextParseException(i + 1, 0, problem);
                }
                out.add(in);
                lineOf.add(i + 1);
            }
        }
        numeric.checkForward(lines.length);
        int[] lineArray = new int[lineOf.size()];
        for (int i = 0; i < lineArray.length; i++) {
            lineArray[i] = lineOf.get(i);
        }
        return new Parsed(Program.of(out), lineArray, lines.length);
    }

    /**
     * {@code text} with each C comment {@code /* … *}{@code /} replaced by spaces (newlines kept, so
     * lines and columns stay where they were), as LLVM's assembler reads them.
     */
    private static String withoutBlockComments(String text) {
        int open = text.indexOf("/*");
        if (open < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text);
        while (open >= 0) {
            int close = text.indexOf("*/", open + 2);
            if (close < 0) {
                int line = 1;
                for (int i = 0; i < open; i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                    }
                }
                throw new TextParseException(line, 0, "comment /* is never closed: expected */");
            }
            for (int i = open; i < close + 2; i++) {
                if (sb.charAt(i) != '\n') {
                    sb.setCharAt(i, ' ');
                }
            }
            open = text.indexOf("/*", close + 2);
        }
        return sb.toString();
    }

    /**
     * GNU numeric local labels: {@code N:} may be defined many times; {@code Nb} refers to the
     * latest definition before it, {@code Nf} to the next one after it. Each definition gets a
     * name of its own, {@code .LN.k}.
     */
    private static final class NumericLabels {
        private final java.util.Map<String, Integer> defined = new java.util.HashMap<>();
        /** Forward references not yet defined: name -> line of the first use. */
        private final java.util.Map<String, Integer> pending = new java.util.LinkedHashMap<>();
        private final java.util.Map<String, String> pendingSpelling = new java.util.HashMap<>();

        Label define(String n) {
            int k = defined.merge(n, 1, Integer::sum) - 1;
            String name = ".L" + n + "." + k;
            pending.remove(name);
            return new Label(name);
        }

        String backward(String n, int line, int column) {
            Integer count = defined.get(n);
            if (count == null) {
                throw new TextParseException(line, column, n + "b refers back to local label " + n
                        + ":, but none is defined before this line");
            }
            return ".L" + n + "." + (count - 1);
        }

        String forward(String n, int line) {
            String name = ".L" + n + "." + defined.getOrDefault(n, 0);
            pending.putIfAbsent(name, line);
            pendingSpelling.putIfAbsent(name, n + "f");
            return name;
        }

        void checkForward(int lastLine) {
            for (java.util.Map.Entry<String, Integer> e : pending.entrySet()) {
                String n = pendingSpelling.get(e.getKey());
                throw new TextParseException(e.getValue(), 0, n + " refers forward to local label "
                        + n.substring(0, n.length() - 1) + ":, but none is defined after this line");
            }
        }
    }

    /** A cursor over one line. */
    private static final class Line {
        private static final String[] ALU_OPS = {"s>>=", "<<=", ">>=", "s/=", "s%=", "+=", "-=", "*=", "/=",
            "|=", "&=", "%=", "^=", "="};
        private static final AluOp[] ALU_OP_VALUES = {AluOp.ARSH, AluOp.LSH, AluOp.RSH, AluOp.SDIV, AluOp.SMOD,
            AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.OR, AluOp.AND, AluOp.MOD, AluOp.XOR, AluOp.MOV};
        private static final String[] JMP_OPS = {"s>=", "s<=", "==", "!=", ">=", "<=", "s>", "s<", ">", "<", "&"};
        private static final JumpOp[] JMP_OP_VALUES = {JumpOp.JSGE, JumpOp.JSLE, JumpOp.JEQ, JumpOp.JNE,
            JumpOp.JGE, JumpOp.JLE, JumpOp.JSGT, JumpOp.JSLT, JumpOp.JGT, JumpOp.JLT, JumpOp.JSET};

        private final String s;
        private final int line;
        private final int end;
        private final NumericLabels numeric;
        private int pos;
        /** The opcode of the listing prefix {@code N: (cc)}, or -1. */
        private int expectedOpcode = -1;
        /** A label ({@code name:} or numeric {@code N:}) that starts this line before an instruction, or null. */
        Label leadingLabel;

        Line(String text, int line, NumericLabels numeric) {
            this.s = text;
            this.line = line;
            this.numeric = numeric;
            int cut = text.length();
            int semi = text.indexOf(';');
            if (semi >= 0) {
                cut = semi;
            }
            int slashes = text.indexOf("//");
            if (slashes >= 0 && slashes < cut) {
                cut = slashes;
            }
            while (cut > 0 && Character.isWhitespace(text.charAt(cut - 1))) {
                cut--;
            }
            this.end = cut;
        }

        /** The instruction or label on this line, or null for a blank or comment line. */
        Instruction parse() {
            ws();
            if (pos >= end) {
                return null;
            }
            int prefixAt = -1;
            if (Character.isDigit(s.charAt(pos))) {
                int start = pos;
                while (pos < end && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                String digits = s.substring(start, Math.min(pos, start + 12));
                if (!eat(":")) {
                    pos = start;
                } else {
                    ws();
                    if (pos < end && s.charAt(pos) == '(' && pos + 3 < end && s.charAt(pos + 3) == ')'
                            && isHex(s.charAt(pos + 1)) && isHex(s.charAt(pos + 2))) {
                        // the listing's "N: (cc)" prefix
                        prefixAt = pos + 1;
                        expectedOpcode = Integer.parseInt(s.substring(pos + 1, pos + 3), 16);
                        pos += 4;
                        ws();
                        if (pos >= end) {
                            throw error("expected an instruction after the listing prefix");
                        }
                    } else {
                        // "N:" without an opcode is a GNU numeric local label
                        if (pos - start > 10) {
                            throw new TextParseException(line, start + 1, "numeric label " + Text.excerpt(digits)
                                    + " too long: expected at most 9 digits");
                        }
                        leadingLabel = numeric.define(digits);
                        if (pos >= end) {
                            return null;
                        }
                    }
                }
            }
            int start = pos;
            if (isIdentStart(s.charAt(pos))) {
                String name = peekIdent();
                int after = pos + name.length();
                int p = after;
                while (p < end && Character.isWhitespace(s.charAt(p))) {
                    p++;
                }
                if (p < end && s.charAt(p) == ':' && (p + 1 >= end || s.charAt(p + 1) != ':')) {
                    if (expectedOpcode >= 0 || leadingLabel != null) {
                        throw error("a label cannot follow an instruction prefix or another label");
                    }
                    pos = p + 1;
                    if (restBlank(pos)) {
                        return new Label(name);
                    }
                    leadingLabel = new Label(name);   // "name: insn" on one line, as LLVM allows
                    ws();
                    start = pos;
                }
            }
            Instruction in;
            try {
                in = instruction();
            } catch (TextParseException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new TextParseException(line, start + 1, e.getMessage());
            }
            ws();
            if (pos < end) {
                throw error("unexpected '" + rest() + "' after the instruction");
            }
            if (expectedOpcode >= 0 && in.kind() == Instruction.Kind.RAW) {
                RawInsn raw = (RawInsn) in;
                if (expectedOpcode != raw.opcode(ByteOrder.LITTLE_ENDIAN) && expectedOpcode != raw.opcode(ByteOrder.BIG_ENDIAN)) {
                    throw new TextParseException(line, prefixAt + 1, "prefix opcode (" + InstructionCodec.hex2(expectedOpcode)
                            + ") is neither end byte of the raw slot " + Disassembler.format(raw));
                }
            } else if (expectedOpcode >= 0 && expectedOpcode != in.opcode()) {
                throw new TextParseException(line, prefixAt + 1, "prefix opcode (" + InstructionCodec.hex2(expectedOpcode)
                        + ") does not match the instruction, whose opcode is (" + InstructionCodec.hex2(in.opcode()) + ")");
            }
            return in;
        }

        private boolean restBlank(int p) {
            for (; p < end; p++) {
                if (!Character.isWhitespace(s.charAt(p))) {
                    return false;
                }
            }
            return true;
        }

        private Instruction instruction() {
            if (word("exit")) {
                return new ExitInsn();
            }
            if (word(".8byte") || word(".quad")) {
                return new RawInsn(number());
            }
            if (word("gotol")) {
                Target t = target();
                return new GotoInsn(true, t.off, t.label);
            }
            if (word("goto")) {
                Target t = target();
                return new GotoInsn(false, t.off, t.label);
            }
            if (word("may_goto")) {
                Target t = target();
                return new MayGotoInsn(t.off, t.label);
            }
            if (word("call")) {
                return call();
            }
            if (word("if")) {
                return conditional();
            }
            if (word("lock")) {
                return lock();
            }
            if (word("store_release")) {
                expect("(");
                expect("(");
                Size size = type(false);
                Mem m = mem();
                expect(",");
                RegTok v = reg();
                expect(")");
                return new AtomicInsn(AtomicOp.STORE_RELEASE, size, m.base, v.reg, m.off);
            }
            if (peek("*")) {
                int at = pos;
                expect("*");
                expect("(");
                Size size = type(false);
                Mem m = mem();
                expect("=");
                ws();
                if (peekReg()) {
                    RegTok v = reg();   // LLVM writes w registers for stores of up to 32 bits
                    if (v.w && size == Size.DW) {
                        throw error("a 64-bit store takes an r register, found " + v);
                    }
                    return new StoreInsn(size, m.base, m.off, v.reg, 0);
                }
                long v = number();
                return new StoreInsn(size, m.base, m.off, null, s32(v, at));
            }
            if (peekReg()) {
                return assignment();
            }
            throw error("expected an instruction, found '" + rest() + "'");
        }

        private Instruction assignment() {
            RegTok dst = reg();
            ws();
            for (int i = 0; i < ALU_OPS.length; i++) {
                if (s.startsWith(ALU_OPS[i], pos) && pos + ALU_OPS[i].length() <= end) {
                    pos += ALU_OPS[i].length();
                    AluOp op = ALU_OP_VALUES[i];
                    return op == AluOp.MOV ? rhs(dst) : aluOperand(op, dst);
                }
            }
            throw error("expected an assignment operator (=, +=, s>>=, ...), found '" + rest() + "'");
        }

        private Instruction aluOperand(AluOp op, RegTok dst) {
            ws();
            if (peekReg()) {
                RegTok src = reg();
                sameWidth(dst, src);
                return new AluInsn(op, !dst.w, dst.reg, src.reg, 0);
            }
            int at = pos;
            long v = number();
            return new AluInsn(op, !dst.w, dst.reg, null, s32(v, at));
        }

        private Instruction rhs(RegTok dst) {
            ws();
            if (eat("-")) {
                ws();
                if (peekReg()) {
                    RegTok src = reg();
                    sameWidth(dst, src);
                    if (src.reg != dst.reg) {
                        throw error("neg works in place: expected " + dst + " = -" + dst);
                    }
                    return new AluInsn(AluOp.NEG, !dst.w, dst.reg, null, 0);
                }
                pos--;
            }
            if (peek("*")) {
                expect("*");
                expect("(");
                int typeAt = pos;
                boolean signed = peek("s");
                Size size = type(true);
                if (word("skb")) {
                    return packet(dst, size, signed, typeAt);
                }
                if (dst.w && (size == Size.DW || signed)) {   // LLVM's alu32 spelling: w1 = *(u8 *)(r2 + 0)
                    throw new TextParseException(line, typeAt + 1, "a load into a w register is unsigned and"
                            + " at most 32 bits: expected u8, u16 or u32, or an r register");
                }
                Mem m = mem();
                return new LoadInsn(size, signed, dst.reg, m.base, m.off);
            }
            if (peek("(s")) {
                expect("(");
                int at = pos;
                String t = ident();
                expect(")");
                RegTok src = reg();
                sameWidth(dst, src);
                AluOp op;
                switch (t) {
                    case "s8": op = AluOp.MOVSX8; break;
                    case "s16": op = AluOp.MOVSX16; break;
                    case "s32": op = AluOp.MOVSX32; break;
                    default: throw new TextParseException(line, at + 1, "expected (s8), (s16) or (s32), found (" + t + ")");
                }
                return new AluInsn(op, !dst.w, dst.reg, src.reg, 0);
            }
            if (peekReg()) {
                RegTok src = reg();
                sameWidth(dst, src);
                return new AluInsn(AluOp.MOV, !dst.w, dst.reg, src.reg, 0);
            }
            if (pos < end && isIdentStart(s.charAt(pos))) {
                return named(dst);
            }
            int at = pos;
            long v = number();
            int numberEnd = pos;
            boolean ll = word("ll");
            if (ll && dst.w) {
                throw error("ll loads a 64-bit register: expected r" + dst.reg.number() + ", not " + dst);
            }
            // The verifier prints an ld_imm64 as "(18) rN = 0x…": its prefix says which instruction it is.
            if (ll || (!dst.w && expectedOpcode == 0x18)) {
                return new LoadImm64Insn(dst.reg, PseudoSource.NONE, v, null);
            }
            if (v < Integer.MIN_VALUE || v > 0xffff_ffffL) {
                String spelled = Text.excerpt(s.substring(at, numberEnd).trim());
                throw new TextParseException(line, at + 1, "immediate " + spelled + " does not fit the 32-bit immediate"
                        + " of a mov (-2147483648..4294967295): write " + dst + " = " + spelled + " ll to load"
                        + " a 64-bit constant");
            }
            return new AluInsn(AluOp.MOV, !dst.w, dst.reg, null, (int) v);
        }

        private Instruction packet(RegTok dst, Size size, boolean signed, int typeAt) {
            if (signed) {
                throw new TextParseException(line, typeAt + 1, "packet loads are unsigned: expected u8, u16 or u32");
            }
            if (dst.reg != Reg.R0 || dst.w) {
                throw error("packet loads write r0, found " + dst);
            }
            expect("[");
            ws();
            if (peekReg()) {
                RegTok idx = reg();
                long v = 0;
                int at = pos;
                if (eat("+")) {   // LLVM writes skb[r3] for an index without offset
                    at = pos;
                    v = number();
                }
                expect("]");
                return new PacketLoadInsn(size, true, idx.reg, s32(v, at));
            }
            int at = pos;
            long v = number();
            expect("]");
            return new PacketLoadInsn(size, false, null, s32(v, at));
        }

        private Instruction named(RegTok dst) {
            int at = pos;
            String name = ident();
            switch (name) {
                case "le16": case "le32": case "le64":
                case "be16": case "be32": case "be64":
                case "bswap16": case "bswap32": case "bswap64": {
                    RegTok src = reg();
                    if (src.reg != dst.reg) {
                        throw error("byte swaps work in place: expected " + dst + " = " + name + " " + dst);
                    }
                    ByteSwap op = name.startsWith("le") ? ByteSwap.LE : name.startsWith("be") ? ByteSwap.BE : ByteSwap.BSWAP;
                    return new EndianInsn(op, Integer.parseInt(name.substring(name.length() - 2)), dst.reg);
                }
                case "addr_space_cast": {
                    expect("(");
                    RegTok src = reg();
                    expect(",");
                    int a1 = pos;
                    long d = number();
                    expect(",");
                    int a2 = pos;
                    long sa = number();
                    expect(")");
                    return new AddrSpaceCastInsn(dst.reg, src.reg, u16(d, a1), u16(sa, a2));
                }
                case "load_acquire": {
                    expect("(");
                    expect("(");
                    Size size = type(false);
                    Mem m = mem();
                    expect(")");
                    return new AtomicInsn(AtomicOp.LOAD_ACQUIRE, size, dst.reg, m.base, m.off);
                }
                case "map":
                    return map(dst);
                case "subprog": {
                    expect("[");
                    ws();
                    LoadImm64Insn in;
                    if (peek("+") || peek("-") || (pos < end && Character.isDigit(s.charAt(pos)))) {
                        int a = pos;
                        in = new LoadImm64Insn(dst.reg, PseudoSource.FUNC, s32(number(), a), null);
                    } else {
                        in = new LoadImm64Insn(dst.reg, PseudoSource.FUNC, 0, ident());
                    }
                    expect("]");
                    return in;
                }
                case "btf_id": {
                    expect("[");
                    int a = pos;
                    long id = number();
                    expect("]");
                    return new LoadImm64Insn(dst.reg, PseudoSource.BTF_ID, u32(id, a), null);
                }
                default:
                    if (name.startsWith("atomic_") || name.startsWith("atomic64_")) {
                        return atomicCall(dst, name, at);
                    }
                    throw new TextParseException(line, at + 1, "unknown operand '" + Text.excerpt(name) + "'");
            }
        }

        private Instruction map(RegTok dst) {
            expect("[");
            ws();
            String kind = ident();
            String symbol = null;
            long value = -1;
            boolean idx = false;
            if (eat(":")) {
                int a = pos;
                switch (kind) {
                    case "fd":
                    case "id":
                        value = u32(number(), a);
                        break;
                    case "idx":
                        value = u32(number(), a);
                        idx = true;
                        break;
                    default:
                        throw error("expected map[fd:N], map[idx:N] or map[name], found map[" + kind + ":");
                }
            } else {
                symbol = kind;
                value = 0xffff_ffffL;
            }
            expect("]");
            ws();
            if (!idx && peek("[")) {
                expect("[");
                expect("0");
                expect("]");
                expect("+");
                int a = pos;
                long off = u32(number(), a);
                return new LoadImm64Insn(dst.reg, PseudoSource.MAP_VALUE, off << 32 | value, symbol);
            }
            if (idx && peek("+")) {
                expect("+");
                int a = pos;
                long off = u32(number(), a);
                return new LoadImm64Insn(dst.reg, PseudoSource.MAP_IDX_VALUE, off << 32 | value, null);
            }
            return new LoadImm64Insn(dst.reg, idx ? PseudoSource.MAP_IDX : PseudoSource.MAP_FD, value, symbol);
        }

        private Instruction atomicCall(RegTok dst, String name, int at) {
            boolean wide = name.startsWith("atomic64_");
            String op = name.substring(wide ? 9 : 7);
            expect("(");
            expect("(");
            Size size = type(false);
            Mem m = mem();
            expect(",");
            AtomicOp aop;
            switch (op) {
                case "fetch_add": aop = AtomicOp.FETCH_ADD; break;
                case "fetch_or": aop = AtomicOp.FETCH_OR; break;
                case "fetch_and": aop = AtomicOp.FETCH_AND; break;
                case "fetch_xor": aop = AtomicOp.FETCH_XOR; break;
                case "xchg": aop = AtomicOp.XCHG; break;
                case "cmpxchg": aop = AtomicOp.CMPXCHG; break;
                default: throw new TextParseException(line, at + 1, "unknown atomic operation '" + Text.excerpt(name) + "'");
            }
            if ((size == Size.DW) != wide) {
                throw new TextParseException(line, at + 1, name + " on a " + size.cType() + ": expected "
                        + (size == Size.DW ? "atomic64_" : "atomic_") + op);
            }
            if (aop == AtomicOp.CMPXCHG) {
                RegTok r0 = reg();
                if (r0.reg != Reg.R0 || dst.reg != Reg.R0) {
                    throw error("cmpxchg compares with and returns r0: expected r0 = " + name + "((...), r0, rN)");
                }
                expect(",");
            }
            RegTok src = reg();
            expect(")");
            if (aop != AtomicOp.CMPXCHG && src.reg != dst.reg) {
                throw error(name + " returns the old value in its source register: expected "
                        + src + " = " + name + "(..., " + src + ")");
            }
            return new AtomicInsn(aop, size, m.base, src.reg, m.off);
        }

        private Instruction lock() {
            expect("*");
            expect("(");
            Size size = type(false);
            Mem m = mem();
            ws();
            AtomicOp op;
            if (eat("+=")) {
                op = AtomicOp.ADD;
            } else if (eat("|=")) {
                op = AtomicOp.OR;
            } else if (eat("&=")) {
                op = AtomicOp.AND;
            } else if (eat("^=")) {
                op = AtomicOp.XOR;
            } else {
                throw error("expected +=, |=, &= or ^=, found '" + rest() + "'");
            }
            RegTok src = reg();
            if (src.w && size == Size.DW) {
                throw error("a 64-bit atomic takes an r register, found " + src);
            }
            return new AtomicInsn(op, size, m.base, src.reg, m.off);
        }

        private Instruction conditional() {
            RegTok dst = reg();
            ws();
            JumpOp op = null;
            for (int i = 0; i < JMP_OPS.length; i++) {
                if (s.startsWith(JMP_OPS[i], pos)) {
                    pos += JMP_OPS[i].length();
                    op = JMP_OP_VALUES[i];
                    break;
                }
            }
            if (op == null) {
                throw error("expected a comparison (==, !=, >, s>=, &, ...), found '" + rest() + "'");
            }
            ws();
            Reg src = null;
            int imm = 0;
            if (peekReg()) {
                RegTok r = reg();
                sameWidth(dst, r);
                src = r.reg;
            } else {
                int at = pos;
                imm = s32(number(), at);
            }
            if (!word("goto")) {
                throw error("expected 'goto', found '" + rest() + "'");
            }
            Target t = target();
            return new JumpInsn(op, dst.w, dst.reg, src, imm, t.off, t.label);
        }

        private Instruction call() {
            ws();
            if (s.startsWith("pc", pos) && pos + 2 < end && (s.charAt(pos + 2) == '+' || s.charAt(pos + 2) == '-')) {
                pos += 2;
                int at = pos;
                return new CallInsn(CallInsn.Type.LOCAL, s32(number(), at), 0, null);
            }
            if (pos < end && Character.isDigit(s.charAt(pos))) {
                int at = pos;
                return new CallInsn(CallInsn.Type.HELPER, s32(number(), at), 0, null);
            }
            int at = pos;
            String name = ident();
            if (eat("#")) {
                int numAt = pos;
                int number = s32(number(), numAt);
                if (name.equals("kernel-function")) {
                    int module = 0;
                    ws();
                    if (word("btf")) {
                        expect("[");
                        expect("idx");
                        expect(":");
                        int a = pos;
                        module = s32(number(), a);
                        expect("]");
                    }
                    return new CallInsn(CallInsn.Type.KFUNC, number, module, null);
                }
                java.util.Optional<Helper> h = Helper.byName(name);
                if (h.isPresent() && name.startsWith("bpf_")) {
                    if (h.get().number() != number) {
                        throw new TextParseException(line, numAt + 1, name + " is helper #" + h.get().number()
                                + ", not #" + number);
                    }
                    return CallInsn.helper(h.get());
                }
                if (name.equals("unknown") || name.equals("bpf_unspec")) {
                    return new CallInsn(CallInsn.Type.HELPER, number, 0, null);
                }
                return new CallInsn(CallInsn.Type.KFUNC, number, 0, null);
            }
            if (name.startsWith("bpf_")) {
                java.util.Optional<Helper> h = Helper.byName(name);
                if (h.isPresent()) {
                    return CallInsn.helper(h.get());
                }
            }
            if (name.contains("-")) {
                throw new TextParseException(line, at + 1, "'" + Text.excerpt(name) + "' is not a label name");
            }
            return CallInsn.local(name);
        }

        // ---- tokens ---------------------------------------------------------------------------

        private static final class RegTok {
            final Reg reg;
            final boolean w;

            RegTok(Reg reg, boolean w) {
                this.reg = reg;
                this.w = w;
            }

            @Override
            public String toString() {
                return (w ? "w" : "r") + reg.number();
            }
        }

        private static final class Mem {
            final Reg base;
            final int off;

            Mem(Reg base, int off) {
                this.base = base;
                this.off = off;
            }
        }

        private static final class Target {
            final int off;
            final String label;

            Target(int off, String label) {
                this.off = off;
                this.label = label;
            }
        }

        private Target target() {
            ws();
            if (s.startsWith("pc", pos) && pos + 2 < end && (s.charAt(pos + 2) == '+' || s.charAt(pos + 2) == '-')) {
                pos += 2;
                int at = pos;
                long v = number();
                return new Target(s32(v, at), null);
            }
            if (pos + 1 < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-') && Character.isDigit(s.charAt(pos + 1))) {
                int at = pos;   // LLVM's spelling of pc+N: "goto +3"
                return new Target(s32(number(), at), null);
            }
            if (pos < end && Character.isDigit(s.charAt(pos))) {
                int at = pos;
                int p = pos;
                while (p < end && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                if (p < end && (s.charAt(p) == 'f' || s.charAt(p) == 'b') && (p + 1 == end || !isIdentPart(s.charAt(p + 1)))
                        && p - at <= 9) {
                    String n = s.substring(at, p);
                    pos = p + 1;
                    return new Target(0, s.charAt(p) == 'b' ? numeric.backward(n, line, at + 1) : numeric.forward(n, line));
                }
            }
            if (pos >= end || !isIdentStart(s.charAt(pos))) {
                throw error("expected a jump target (pc+N, a label, or Nf/Nb for a numeric label), found '" + rest() + "'");
            }
            return new Target(0, ident());
        }

        /** {@code uNN} or (if allowed) {@code sNN} then {@code " *)"}. */
        private Size type(boolean allowSigned) {
            ws();
            int at = pos;
            String t = ident();
            Size size;
            switch (t.substring(1)) {
                case "8": size = Size.B; break;
                case "16": size = Size.H; break;
                case "32": size = Size.W; break;
                case "64": size = Size.DW; break;
                default: size = null;
            }
            boolean ok = size != null && (t.charAt(0) == 'u' || (allowSigned && t.charAt(0) == 's'));
            if (!ok) {
                throw new TextParseException(line, at + 1, "expected a type " + (allowSigned ? "u8..u64 or s8..s32" : "u8..u64")
                        + ", found '" + Text.excerpt(t) + "'");
            }
            expect("*");
            expect(")");
            return size;
        }

        /** {@code (rN +off)}. */
        private Mem mem() {
            expect("(");
            RegTok base = reg();
            ws();
            int off = 0;
            if (peek("+") || peek("-")) {
                int at = pos;
                off = s16(number(), at);
            }
            expect(")");
            return new Mem(base.reg, off);
        }

        private RegTok reg() {
            ws();
            int at = pos;
            if (pos < end && (s.charAt(pos) == 'r' || s.charAt(pos) == 'w') && pos + 1 < end
                    && Character.isDigit(s.charAt(pos + 1))) {
                boolean w = s.charAt(pos) == 'w';
                pos++;
                int start = pos;
                while (pos < end && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                if (pos < end && isIdentPart(s.charAt(pos))) {
                    pos = at;
                    throw error("expected a register, found '" + Text.excerpt(word()) + "'");
                }
                int n = Integer.parseInt(s.substring(start, Math.min(pos, start + 6)));
                if (n > 10) {
                    throw new TextParseException(line, at + 1, "register " + s.substring(at, pos)
                            + " does not exist: expected r0..r10 (w0..w10)");
                }
                return new RegTok(Reg.of(n), w);
            }
            throw error("expected a register, found '" + rest() + "'");
        }

        private boolean peekReg() {
            return pos + 1 < end && (s.charAt(pos) == 'r' || s.charAt(pos) == 'w') && Character.isDigit(s.charAt(pos + 1));
        }

        private void sameWidth(RegTok a, RegTok b) {
            if (a.w != b.w) {
                throw error("mixed widths " + a + " and " + b + ": use w registers for 32-bit and r registers for 64-bit");
            }
        }

        /** A signed decimal or hexadecimal number (0x…, up to 64 bits). */
        private long number() {
            ws();
            int at = pos;
            boolean neg = false;
            if (eat("-")) {
                neg = true;
            } else {
                eat("+");
            }
            ws();
            int start = pos;
            boolean hex = s.startsWith("0x", pos) || s.startsWith("0X", pos);
            if (hex) {
                pos += 2;
                start = pos;
                while (pos < end && isHex(s.charAt(pos))) {
                    pos++;
                }
            } else {
                while (pos < end && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            if (pos == start) {
                pos = at;
                throw error("expected a number, found '" + rest() + "'");
            }
            String digits = s.substring(start, pos);
            suffix();
            long v;
            try {
                v = Long.parseUnsignedLong(digits, hex ? 16 : 10);
            } catch (NumberFormatException e) {
                throw new TextParseException(line, at + 1, "number " + Text.excerpt(s.substring(at, pos))
                        + " out of range: expected at most 64 bits");
            }
            if (neg && !hex && Long.compareUnsigned(v, Long.MIN_VALUE) > 0) {
                // -9223372036854775808 (clang's LLONG_MIN) is the most negative a decimal may go
                throw new TextParseException(line, at + 1, "number " + Text.excerpt(s.substring(at, pos))
                        + " out of range: expected at least -9223372036854775808");
            }
            return neg ? -v : v;
        }

        /** Skips a C integer suffix glued to a number: u, l, ul, lu, ll, ull, llu (any case). */
        private void suffix() {
            int p = pos;
            int us = 0;
            int ls = 0;
            while (p < end && (s.charAt(p) == 'u' || s.charAt(p) == 'U' || s.charAt(p) == 'l' || s.charAt(p) == 'L')) {
                if (s.charAt(p) == 'u' || s.charAt(p) == 'U') {
                    us++;
                } else {
                    ls++;
                }
                p++;
            }
            if (p > pos && us <= 1 && ls <= 2 && (p == end || !isIdentPart(s.charAt(p)))) {
                pos = p;
            }
        }

        private int s32(long v, int at) {
            if (v < Integer.MIN_VALUE || v > 0xffff_ffffL) {
                throw new TextParseException(line, at + 1, "immediate " + v + " out of range: expected a 32-bit value"
                        + " (-2147483648..4294967295); use an ld_imm64 (rN = 0x... ll) for 64-bit constants");
            }
            return (int) v;
        }

        private int s16(long v, int at) {
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                throw new TextParseException(line, at + 1, "offset " + v + " out of range: expected -32768..32767");
            }
            return (int) v;
        }

        private long u32(long v, int at) {
            if (v < 0 || v > 0xffff_ffffL) {
                throw new TextParseException(line, at + 1, "value " + v + " out of range: expected 0..4294967295");
            }
            return v;
        }

        private int u16(long v, int at) {
            if (v < 0 || v > 0xffff) {
                throw new TextParseException(line, at + 1, "address space " + v + " out of range: expected 0..65535");
            }
            return (int) v;
        }

        private String ident() {
            ws();
            if (pos >= end || !isIdentStart(s.charAt(pos))) {
                throw error("expected a name, found '" + rest() + "'");
            }
            String id = peekIdent();
            pos += id.length();
            return id;
        }

        private String peekIdent() {
            int p = pos;
            while (p < end && (isIdentPart(s.charAt(p)) || (s.charAt(p) == '-' && p > pos && p + 1 < end
                    && isIdentStart(s.charAt(p + 1))))) {
                p++;
            }
            return s.substring(pos, p);
        }

        private boolean word(String w) {
            ws();
            if (s.startsWith(w, pos) && pos + w.length() <= end
                    && (pos + w.length() == end || !isIdentPart(s.charAt(pos + w.length())))) {
                pos += w.length();
                return true;
            }
            return false;
        }

        private String word() {
            int p = pos;
            while (p < end && !Character.isWhitespace(s.charAt(p))) {
                p++;
            }
            return s.substring(pos, p);
        }

        private boolean peek(String lit) {
            ws();
            return s.startsWith(lit, pos) && pos + lit.length() <= end;
        }

        private boolean eat(String lit) {
            if (peek(lit)) {
                pos += lit.length();
                return true;
            }
            return false;
        }

        private void expect(String lit) {
            if (!eat(lit)) {
                throw error("expected '" + lit + "', found '" + rest() + "'");
            }
        }

        private void ws() {
            while (pos < end && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private String rest() {
            String r = s.substring(Math.min(pos, end), end);
            return r.isEmpty() ? "end of line" : r.length() > 24 ? r.substring(0, 24) + "... (" + r.length() + " characters)" : r;
        }

        private TextParseException error(String message) {
            return new TextParseException(line, Math.min(pos, end) + 1, message);
        }

        private static boolean isHex(char c) {
            return Character.digit(c, 16) >= 0;
        }

        private static boolean isIdentStart(char c) {
            return Character.isLetter(c) || c == '_' || c == '.' || c == '$';
        }

        private static boolean isIdentPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
        }
    }
}
