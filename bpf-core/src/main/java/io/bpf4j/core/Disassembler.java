package io.bpf4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Prints instructions in the kernel verifier's own syntax ({@code kernel/bpf/disasm.c},
 * {@code print_bpf_insn}), so a listing lines up with a verifier log: {@code N: (cc) text} where N
 * counts 8-byte slots and cc is the opcode byte in hex.
 *
 * <pre>
 *   0: (b7) r0 = 0
 *   1: (79) r1 = *(u64 *)(r2 +8)
 *   2: (15) if r0 == 0x0 goto pc+3
 *   3: (85) call bpf_ktime_get_ns#5
 *   4: (c3) lock *(u64 *)(r1 +0) += r2
 * </pre>
 *
 * <p>Where the kernel's text would lose information the assembler needs back, this printer follows
 * bpftool ({@code tools/bpf/bpftool/xlated_dumper.c}) instead: the verifier prints every
 * {@code ld_imm64} as a bare hex value, bpftool and this class print the pseudo sources as
 * {@code map[fd:3]} (bpftool: {@code map[id:3]}, after load), {@code map[fd:3][0]+8},
 * {@code map[idx:1]}, {@code map[idx:1]+8} and {@code subprog[+5]}; a BTF variable prints as
 * {@code btf_id[1234]} and a kfunc in a module's BTF as {@code call kernel-function#77 btf[idx:2]}.
 * {@link TextAssembler} reads all of it back.
 *
 * <pre>{@code
 * String text = Disassembler.disassemble(bytecode, ByteOrder.LITTLE_ENDIAN);
 * String one = Disassembler.format(new LoadInsn(Size.DW, false, Reg.R1, Reg.R2, 8)); // r1 = *(u64 *)(r2 +8)
 * String withLabels = Disassembler.listing(program);
 * }</pre>
 */
public final class Disassembler {
    private Disassembler() {
    }

    /** The listing of host-order bytecode, one {@code N: (cc) text} line per instruction. */
    public static String disassemble(byte[] code) {
        return disassemble(code, ByteOrder.nativeOrder());
    }

    /**
     * The listing of bytecode, one {@code N: (cc) text} line per instruction, each ended by a newline.
     * A slot that does not decode (unknown opcode, reserved field in use, half an {@code ld_imm64})
     * does not end the listing: it is shown as {@code N: (cc) .8byte 0x…  ; bad slot: why (bytes …)},
     * which {@link TextAssembler} reads back to the same bytes, and the listing goes on. Bytes left
     * over after the last whole slot are shown in a final comment line.
     */
    public static String disassemble(byte[] code, ByteOrder order) {
        if (code == null) {
            throw new IllegalArgumentException("bytecode missing");
        }
        StringBuilder sb = new StringBuilder((int) Math.min((long) code.length * 4 + 16, 1 << 24));
        new Streamer(order, sb).run(code, code.length, true);
        return sb.toString();
    }

    /**
     * What {@link #disassemble(InputStream, ByteOrder, Appendable)} saw.
     *
     * @param slots 8-byte slots listed
     * @param badSlots slots shown as {@code .8byte} because they do not decode
     * @param trailingBytes bytes after the last whole slot (0 for well-formed input)
     */
    public record Stats(long slots, long badSlots, int trailingBytes) {
    }

    /**
     * Streams the listing of {@code in} to {@code out} in constant memory (a 64 KiB window),
     * whatever the input's size; lines as {@link #disassemble(byte[], ByteOrder)} prints them.
     *
     * <pre>{@code
     * try (InputStream in = Files.newInputStream(path)) {
     *     Disassembler.Stats s = Disassembler.disassemble(in, ByteOrder.LITTLE_ENDIAN, System.out);
     * }
     * }</pre>
     *
     * @throws IOException from reading {@code in} or writing {@code out}
     */
    public static Stats disassemble(InputStream in, ByteOrder order, Appendable out) throws IOException {
        if (in == null || order == null || out == null) {
            throw new IllegalArgumentException("input, byte order and output are required");
        }
        StringBuilder sb = new StringBuilder(WINDOW * 5);
        Streamer st = new Streamer(order, sb);
        byte[] buf = new byte[WINDOW];
        int len = 0;
        boolean eof = false;
        while (!eof) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
            if (eof || len == buf.length) {
                int used = st.run(buf, len, eof);
                System.arraycopy(buf, used, buf, 0, len - used);
                len -= used;
                out.append(sb);
                sb.setLength(0);
            }
        }
        return new Stats(st.slot, st.bad, st.trailing);
    }

    /** Bytes the streaming listing reads at a time. */
    private static final int WINDOW = 64 * 1024;

    /** Lists whole slots of a window; keeps its place across windows. */
    private static final class Streamer {
        final ByteOrder order;
        final boolean little;
        final StringBuilder sb;
        long slot;
        long bad;
        int trailing;

        Streamer(ByteOrder order, StringBuilder sb) {
            this.order = order;
            this.little = order == ByteOrder.LITTLE_ENDIAN;
            this.sb = sb;
        }

        /**
         * Lists the slots of {@code buf[0, len)} and returns how many bytes it consumed; unless
         * {@code eof}, it stops where an {@code ld_imm64} could need bytes not read yet.
         */
        int run(byte[] buf, int len, boolean eof) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf, 0, len).order(order);
            int p = 0;
            while (len - p >= 16 || (eof && len - p >= 8)) {
                Instruction in;
                try {
                    in = InstructionCodec.decodeAt(bb, little, p, len);
                } catch (DecodeException e) {
                    RawInsn raw = new RawInsn(bb.getLong(p));
                    badLine(sb, slot, raw, order, e.reason(), buf, p).append('\n');
                    bad++;
                    slot++;
                    p += 8;
                    continue;
                }
                line(sb, slot, in).append('\n');
                slot += in.slots();
                p += in.slots() * 8;
            }
            if (eof && len - p > 0) {
                trailing = len - p;
                sb.append("; ").append(slot).append(": ").append(trailing).append(" trailing byte")
                        .append(trailing == 1 ? "" : "s").append(" (");
                hexBytes(sb, buf, p, trailing).append("): not a whole 8-byte slot, not listed\n");
                p = len;
            }
            return p;
        }
    }

    /** {@code N: (cc) .8byte 0x…  ; bad slot: why (bytes …)} for a slot that does not decode. */
    static StringBuilder badLine(StringBuilder sb, long slot, RawInsn raw, ByteOrder order, String why,
                                 byte[] buf, int p) {
        sb.append(slot).append(": (").append(InstructionCodec.hex2(raw.opcode(order))).append(") ")
                .append(format(raw)).append("  ; bad slot: ").append(why).append(" (bytes ");
        return hexBytes(sb, buf, p, 8).append(')');
    }

    private static StringBuilder hexBytes(StringBuilder sb, byte[] buf, int p, int n) {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(InstructionCodec.hex2(buf[p + i]));
        }
        return sb;
    }

    /** {@code N: (cc) text} for one instruction at slot {@code slot}. */
    public static String line(int slot, Instruction in) {
        return line(new StringBuilder(), slot, in).toString();
    }

    private static StringBuilder line(StringBuilder sb, long slot, Instruction in) {
        return sb.append(slot).append(": (").append(InstructionCodec.hex2(in.opcode())).append(") ").append(format(in));
    }

    /**
     * A program's listing after assembly (host order): the bytes as the kernel will see them, with
     * each label on its own {@code name:} line, jump and call targets shown by label name where a
     * label marks the target, map references by name, and, if the program recorded them, the Java
     * source position of each instruction as a {@code ; File.java:42} comment. {@link TextAssembler}
     * parses it back to the same bytes.
     *
     * <pre>
     *   0: (85) call bpf_ktime_get_ns#5  ; Tracer.java:31
     *   1: (15) if r0 == 0x0 goto out  ; Tracer.java:32
     *   ...
     *   out:
     *   5: (b7) r0 = 0  ; Tracer.java:36
     * </pre>
     */
    public static String listing(Program program) {
        return listing(program.assembleDetailed(ByteOrder.nativeOrder(), true), ByteOrder.nativeOrder());
    }

    /** The listing of an assembled program; {@code order} is the order it was assembled in. */
    public static String listing(AssembledProgram assembled, ByteOrder order) {
        Program program = assembled.program();
        List<Instruction> decoded = InstructionCodec.decodeLenient(assembled.bytecode(), order);
        int slots = assembled.slotCount();
        String[] labelAt = new String[slots + 1];
        java.util.Map<String, Integer> labelSlots = assembled.labelSlots();
        // Several labels may mark one slot: print them all, and use the first as the target name.
        java.util.List<java.util.Map.Entry<String, Integer>> ordered = new java.util.ArrayList<>();
        for (Instruction in : program.instructions()) {
            if (in instanceof Label) {
                String name = ((Label) in).name();
                ordered.add(java.util.Map.entry(name, labelSlots.get(name)));
            }
        }
        StringBuilder sb = new StringBuilder(decoded.size() * 40);
        int slot = 0;
        int next = 0;
        for (Instruction in : decoded) {
            for (; next < ordered.size() && ordered.get(next).getValue() <= slot; next++) {
                String name = ordered.get(next).getKey();
                sb.append(name).append(":\n");
                if (labelAt[ordered.get(next).getValue()] == null) {
                    labelAt[ordered.get(next).getValue()] = name;
                }
            }
            int index = assembled.instructionAtSlot(slot);
            Instruction source = index >= 0 ? program.instructions().get(index) : null;
            Instruction shown = named(in, slot, source, assembled, ordered);
            if (shown.kind() == Instruction.Kind.RAW) {
                sb.append(slot).append(": (").append(InstructionCodec.hex2(((RawInsn) shown).opcode(order))).append(") ")
                        .append(format(shown));
            } else {
                line(sb, slot, shown);
            }
            if (index >= 0) {
                program.sourcePosition(index).ifPresent(pos -> sb.append("  ; ")
                        .append(pos.file() == null ? pos.className() : pos.file() + ":" + pos.line()));
            }
            sb.append('\n');
            slot += in.slots();
        }
        for (; next < ordered.size(); next++) {
            sb.append(ordered.get(next).getKey()).append(":\n");
        }
        return sb.toString();
    }

    /** The decoded instruction with its target or map given by name, where a name is known. */
    private static Instruction named(Instruction in, int slot, Instruction source, AssembledProgram assembled,
                                     List<java.util.Map.Entry<String, Integer>> labels) {
        if (in.kind() == Instruction.Kind.LD_IMM64 && source instanceof LoadImm64Insn) {
            LoadImm64Insn l = (LoadImm64Insn) in;
            LoadImm64Insn s = (LoadImm64Insn) source;
            if (s.symbol() != null && s.source().isMap() && l.source() == s.source()
                    && (l.imm() & 0xffff_ffffL) == 0xffff_ffffL) {
                return new LoadImm64Insn(l.dst(), l.source(), l.imm(), s.symbol());
            }
        }
        int rel = InstructionCodec.literalOffset(in);
        boolean hasTarget = in.kind() == Instruction.Kind.JUMP || in.kind() == Instruction.Kind.GOTO
                || in.kind() == Instruction.Kind.MAY_GOTO
                || (in.kind() == Instruction.Kind.CALL && ((CallInsn) in).type() == CallInsn.Type.LOCAL)
                || (in.kind() == Instruction.Kind.LD_IMM64 && ((LoadImm64Insn) in).source() == PseudoSource.FUNC);
        if (!hasTarget) {
            return in;
        }
        int dest = slot + 1 + rel;   // every offset counts from the slot after the instruction's first
        String name = null;
        for (java.util.Map.Entry<String, Integer> e : labels) {
            if (e.getValue() == dest) {
                name = e.getKey();
                break;
            }
        }
        if (name == null) {
            return in;
        }
        switch (in.kind()) {
            case JUMP: {
                JumpInsn j = (JumpInsn) in;
                return new JumpInsn(j.op(), j.jmp32(), j.dst(), j.src(), j.imm(), 0, name);
            }
            case GOTO:
                return new GotoInsn(((GotoInsn) in).wide(), 0, name);
            case MAY_GOTO:
                return new MayGotoInsn(0, name);
            case CALL:
                return CallInsn.local(name);
            default:
                return new LoadImm64Insn(((LoadImm64Insn) in).dst(), PseudoSource.FUNC, 0, name);
        }
    }

    /** The text the verifier prints for {@code in}, without the {@code N: (cc)} prefix. */
    public static String format(Instruction in) {
        switch (in.kind()) {
            case ALU:
                return alu((AluInsn) in);
            case ENDIAN: {
                EndianInsn e = (EndianInsn) in;
                return e.dst() + " = " + e.op().mnemonic() + e.width() + " " + e.dst();
            }
            case ADDR_SPACE_CAST: {
                AddrSpaceCastInsn c = (AddrSpaceCastInsn) in;
                return c.dst() + " = addr_space_cast(" + c.src() + ", " + c.dstAs() + ", " + c.srcAs() + ")";
            }
            case JUMP: {
                JumpInsn j = (JumpInsn) in;
                char w = j.jmp32() ? 'w' : 'r';
                String right = j.src() != null ? w + String.valueOf(j.src().number())
                        : "0x" + Integer.toHexString(j.imm());
                return "if " + w + j.dst().number() + " " + j.op().operator() + " " + right + " goto "
                        + target(j.label(), j.off());
            }
            case GOTO: {
                GotoInsn g = (GotoInsn) in;
                return (g.wide() ? "gotol " : "goto ") + target(g.label(), g.off());
            }
            case MAY_GOTO:
                return "may_goto " + target(((MayGotoInsn) in).label(), ((MayGotoInsn) in).off());
            case CALL:
                return call((CallInsn) in);
            case EXIT:
                return "exit";
            case LOAD: {
                LoadInsn l = (LoadInsn) in;
                return l.dst() + " = *(" + (l.signExtend() ? l.size().signedCType() : l.size().cType()) + " *)("
                        + l.src() + " " + signed(l.off()) + ")";
            }
            case STORE: {
                StoreInsn s = (StoreInsn) in;
                return "*(" + s.size().cType() + " *)(" + s.dst() + " " + signed(s.off()) + ") = "
                        + (s.src() != null ? s.src().toString() : String.valueOf(s.imm()));
            }
            case ATOMIC:
                return atomic((AtomicInsn) in);
            case LD_IMM64:
                return ldImm64((LoadImm64Insn) in);
            case PACKET_LOAD: {
                PacketLoadInsn p = (PacketLoadInsn) in;
                return "r0 = *(" + p.size().cType() + " *)skb[" + (p.indirect() ? p.src() + " + " : "") + p.imm() + "]";
            }
            case LABEL:
                return ((Label) in).name() + ":";
            case RAW:
                return ".8byte 0x" + String.format("%016x", ((RawInsn) in).value());
            default:
                throw new AssertionError(in.kind());
        }
    }

    private static String alu(AluInsn a) {
        char w = a.alu64() ? 'r' : 'w';
        String dst = w + String.valueOf(a.dst().number());
        if (a.op() == AluOp.NEG) {
            return dst + " = -" + dst;
        }
        if (a.src() == null) {
            return dst + " " + a.op().operator() + " " + a.imm();
        }
        String sx = a.op() == AluOp.MOVSX8 ? "(s8)" : a.op() == AluOp.MOVSX16 ? "(s16)" : a.op() == AluOp.MOVSX32 ? "(s32)" : "";
        return dst + " " + a.op().operator() + " " + sx + w + a.src().number();
    }

    private static String call(CallInsn c) {
        switch (c.type()) {
            case LOCAL:
                return "call " + target(c.label(), c.imm());
            case KFUNC:
                return "call kernel-function#" + c.imm() + (c.off() != 0 ? " btf[idx:" + c.off() + "]" : "");
            default:
                return "call " + Helper.byNumber(c.imm()).map(Helper::cName).orElse("unknown") + "#" + c.imm();
        }
    }

    private static String atomic(AtomicInsn a) {
        String type = a.size().cType();
        String mem = "(" + a.dst() + " " + signed(a.off()) + ")";
        String width = a.size() == Size.DW ? "64" : "";
        switch (a.op()) {
            case ADD: case OR: case AND: case XOR:
                return "lock *(" + type + " *)" + mem + " " + rmwOperator(a.op()) + " " + a.src();
            case FETCH_ADD: case FETCH_OR: case FETCH_AND: case FETCH_XOR:
                return a.src() + " = atomic" + width + "_fetch_" + a.op().name().substring(6).toLowerCase()
                        + "((" + type + " *)" + mem + ", " + a.src() + ")";
            case XCHG:
                return a.src() + " = atomic" + width + "_xchg((" + type + " *)" + mem + ", " + a.src() + ")";
            case CMPXCHG:
                return "r0 = atomic" + width + "_cmpxchg((" + type + " *)" + mem + ", r0, " + a.src() + ")";
            case LOAD_ACQUIRE:
                return a.dst() + " = load_acquire((" + type + " *)(" + a.src() + " " + signed(a.off()) + "))";
            default:
                return "store_release((" + type + " *)" + mem + ", " + a.src() + ")";
        }
    }

    private static String rmwOperator(AtomicOp op) {
        switch (op) {
            case ADD: return "+=";
            case OR: return "|=";
            case AND: return "&=";
            default: return "^=";
        }
    }

    private static String ldImm64(LoadImm64Insn l) {
        String dst = l.dst() + " = ";
        long lo = l.imm() & 0xffff_ffffL;
        long hi = l.imm() >>> 32;
        switch (l.source()) {
            case MAP_FD:
                return dst + (l.symbol() != null ? "map[" + l.symbol() + "]" : "map[fd:" + lo + "]");
            case MAP_VALUE:
                return dst + (l.symbol() != null ? "map[" + l.symbol() + "]" : "map[fd:" + lo + "]") + "[0]+" + hi;
            case MAP_IDX:
                return dst + "map[idx:" + lo + "]";
            case MAP_IDX_VALUE:
                return dst + "map[idx:" + lo + "]+" + hi;
            case BTF_ID:
                return dst + "btf_id[" + lo + "]";
            case FUNC:
                return dst + "subprog[" + (l.symbol() != null ? l.symbol() : signed((int) l.imm())) + "]";
            default:
                return dst + "0x" + Long.toHexString(l.imm());
        }
    }

    private static String target(String label, int off) {
        return label != null ? label : "pc" + signed(off);
    }

    private static String signed(int v) {
        return v >= 0 ? "+" + v : String.valueOf(v);
    }
}
