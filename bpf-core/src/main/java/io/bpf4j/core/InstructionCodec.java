package io.bpf4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes instructions to bytecode and decodes bytecode to instructions, one slot at a time,
 * with offsets taken literally: no labels, no layout, no widening (that is {@link Program#assemble}'s
 * job). Decoding is not validation: every encoding the kernel's printer prints decodes, including
 * those a program should not contain (a write to r10, division by the immediate 0, a shift count
 * beyond the width: {@link Lint} reports those). It is exact: a slot whose reserved fields are in
 * use, or whose opcode is unknown, would not survive {@code encode(decode(bytes))}, so
 * {@link #decode} refuses it and {@link #decodeLenient} keeps it as a {@link RawInsn}.
 *
 * <pre>
 *   one slot, little-endian target            big-endian target: byte 1 is dst&lt;&lt;4 | src
 *   +--------+-----------+-----------+-------------------+-----------------------------+
 *   | opcode | src | dst | off (s16, target order)       | imm (s32, target order)     |
 *   +--------+-----------+-----------+-------------------+-----------------------------+
 *     byte 0   byte 1      bytes 2-3                       bytes 4-7
 * </pre>
 *
 * <pre>{@code
 * byte[] code = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");
 * List<Instruction> insns = InstructionCodec.decode(code, ByteOrder.LITTLE_ENDIAN); // r0 = 0; exit
 * InstructionCodec.encode(insns, ByteOrder.LITTLE_ENDIAN);                          // same bytes
 * }</pre>
 */
public final class InstructionCodec {
    private InstructionCodec() {
    }

    // ---- encoding -----------------------------------------------------------------------------

    /**
     * Encodes instructions whose offsets are final (no label targets; {@link Label}s are skipped).
     *
     * @throws IllegalArgumentException if an instruction refers to a label
     */
    public static byte[] encode(List<? extends Instruction> insns, ByteOrder order) {
        int slots = 0;
        for (Instruction in : insns) {
            slots += in.slots();
        }
        byte[] out = new byte[slots * 8];
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int pos = 0;
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            if (in.target() != null) {
                throw new IllegalArgumentException("instruction " + i + " refers to label '" + in.target()
                        + "': assemble it as a Program to resolve labels");
            }
            Instruction.Kind kind = in.kind();
            encodeAt(out, pos, little, in, kind, literalOffset(in));
            pos += WIDTH[kind.ordinal()] * 8;
        }
        return out;
    }

    /** Slots each kind of instruction takes, by {@code Kind.ordinal()}: read once, no call per instruction. */
    static final byte[] WIDTH = new byte[Instruction.Kind.values().length];

    static {
        java.util.Arrays.fill(WIDTH, (byte) 1);
        WIDTH[Instruction.Kind.LABEL.ordinal()] = 0;
        WIDTH[Instruction.Kind.LD_IMM64.ordinal()] = 2;
    }

    /** The jump/call offset an unlabelled instruction carries, or 0 for instructions without one. */
    static int literalOffset(Instruction in) {
        switch (in.kind()) {
            case JUMP: return ((JumpInsn) in).off();
            case GOTO: return ((GotoInsn) in).off();
            case MAY_GOTO: return ((MayGotoInsn) in).off();
            case CALL: return ((CallInsn) in).type() == CallInsn.Type.LOCAL ? ((CallInsn) in).imm() : 0;
            case LD_IMM64: return ((LoadImm64Insn) in).source() == PseudoSource.FUNC ? (int) ((LoadImm64Insn) in).imm() : 0;
            default: return 0;
        }
    }

    /**
     * Writes one instruction of kind {@code kind} at byte {@code pos} of {@code out} with its
     * jump/call offset {@code rel} (slots from the next instruction). A {@code goto} whose offset
     * does not fit 16 bits is written as {@code gotol}. Allocates nothing.
     */
    static void encodeAt(byte[] out, int pos, boolean little, Instruction in, Instruction.Kind kind, int rel) {
        switch (kind) {
            case LABEL:
                break;
            case ALU: {
                AluInsn a = (AluInsn) in;
                put(out, pos, little, a.opcode(), a.dst(), a.src(), a.op().off(), a.imm());
                break;
            }
            case ENDIAN: {
                EndianInsn e = (EndianInsn) in;
                put(out, pos, little, e.opcode(), e.dst(), null, 0, e.width());
                break;
            }
            case ADDR_SPACE_CAST: {
                AddrSpaceCastInsn c = (AddrSpaceCastInsn) in;
                put(out, pos, little, c.opcode(), c.dst(), c.src(), 1, c.imm());
                break;
            }
            case JUMP: {
                JumpInsn j = (JumpInsn) in;
                put(out, pos, little, j.opcode(), j.dst(), j.src(), rel, j.imm());
                break;
            }
            case GOTO:
                if (((GotoInsn) in).wide() || rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
                    putRegs(out, pos, little, 0x06, 0, 0, 0, rel);
                } else {
                    putRegs(out, pos, little, 0x05, 0, 0, rel, 0);
                }
                break;
            case MAY_GOTO:
                putRegs(out, pos, little, ((MayGotoInsn) in).opcode(), 0, 0, rel, 0);
                break;
            case CALL: {
                CallInsn c = (CallInsn) in;
                int imm = c.type() == CallInsn.Type.LOCAL ? rel : c.imm();
                putRegs(out, pos, little, c.opcode(), 0, c.type().ordinal(), c.off(), imm);
                break;
            }
            case EXIT:
                putRegs(out, pos, little, ((ExitInsn) in).opcode(), 0, 0, 0, 0);
                break;
            case LOAD: {
                LoadInsn l = (LoadInsn) in;
                put(out, pos, little, l.opcode(), l.dst(), l.src(), l.off(), 0);
                break;
            }
            case STORE: {
                StoreInsn s = (StoreInsn) in;
                put(out, pos, little, s.opcode(), s.dst(), s.src(), s.off(), s.imm());
                break;
            }
            case ATOMIC: {
                AtomicInsn a = (AtomicInsn) in;
                put(out, pos, little, a.opcode(), a.dst(), a.src(), a.off(), a.op().imm());
                break;
            }
            case LD_IMM64: {
                LoadImm64Insn l = (LoadImm64Insn) in;
                // A function reference carries a 32-bit offset with the upper half 0, as LLVM emits it.
                long imm = l.source() == PseudoSource.FUNC ? rel & 0xffff_ffffL : l.imm();
                putRegs(out, pos, little, l.opcode(), l.dst().number(), l.source().code(), 0, (int) imm);
                putRegs(out, pos + 8, little, 0, 0, 0, 0, (int) (imm >>> 32));
                break;
            }
            case PACKET_LOAD: {
                PacketLoadInsn p = (PacketLoadInsn) in;
                put(out, pos, little, p.opcode(), null, p.src(), 0, p.imm());
                break;
            }
            case RAW:
                (little ? LONG_LE : LONG_BE).set(out, pos, ((RawInsn) in).value());
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    static void put(byte[] out, int pos, boolean little, int opcode, Reg dst, Reg src, int off, int imm) {
        putRegs(out, pos, little, opcode, dst == null ? 0 : dst.number(), src == null ? 0 : src.number(), off, imm);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** One slot as one 8-byte write: the fields packed in a long, in the target's byte order. */
    static void putRegs(byte[] out, int pos, boolean little, int opcode, int dst, int src, int off, int imm) {
        if (little) {
            LONG_LE.set(out, pos, (opcode & 0xffL) | ((src << 4 | dst) & 0xffL) << 8
                    | (off & 0xffffL) << 16 | (long) imm << 32);
        } else {
            LONG_BE.set(out, pos, (opcode & 0xffL) << 56 | ((dst << 4 | src) & 0xffL) << 48
                    | (off & 0xffffL) << 32 | (imm & 0xffff_ffffL));
        }
    }

    // ---- decoding -----------------------------------------------------------------------------

    /** Decodes bytecode in host byte order. */
    public static List<Instruction> decode(byte[] code) {
        return decode(code, ByteOrder.nativeOrder());
    }

    /**
     * Decodes bytecode: one instruction per slot, two for {@code ld_imm64}. Jump and call offsets
     * stay literal ({@code goto pc+3}).
     *
     * @throws DecodeException naming the byte offset of truncated input, an unknown opcode, a
     *         register beyond r10, a reserved field in use or a half {@code ld_imm64}
     */
    public static List<Instruction> decode(byte[] code, ByteOrder order) {
        if (code == null) {
            throw new IllegalArgumentException("bytecode missing");
        }
        ByteBuffer bb = ByteBuffer.wrap(code).order(order);
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        List<Instruction> out = new ArrayList<>(code.length / 8);
        int p = 0;
        while (p < code.length) {
            if (code.length - p < 8) {
                throw new DecodeException(p, "truncated input: " + (code.length - p)
                        + " bytes left, an instruction takes 8 (input is " + code.length + " bytes, not a multiple of 8)");
            }
            Instruction in = decodeAt(bb, little, p, code.length);
            out.add(in);
            p += in.slots() * 8;
        }
        return out;
    }

    /**
     * Decodes like {@link #decode(byte[], ByteOrder)}, but never fails on a slot: one that cannot be
     * decoded (unknown opcode, reserved field in use, half an {@code ld_imm64}) becomes a
     * {@link RawInsn} of its 8 bytes, and decoding goes on with the next slot. Trailing bytes that
     * do not make a whole slot are still an error.
     *
     * @throws DecodeException only for input whose length is not a multiple of 8
     */
    public static List<Instruction> decodeLenient(byte[] code, ByteOrder order) {
        if (code == null) {
            throw new IllegalArgumentException("bytecode missing");
        }
        if (code.length % 8 != 0) {
            throw new DecodeException(code.length / 8 * 8, "truncated input: " + code.length % 8
                    + " bytes left, an instruction takes 8 (input is " + code.length + " bytes, not a multiple of 8)");
        }
        ByteBuffer bb = ByteBuffer.wrap(code).order(order);
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        List<Instruction> out = new ArrayList<>(code.length / 8);
        int p = 0;
        while (p < code.length) {
            Instruction in;
            try {
                in = decodeAt(bb, little, p, code.length);
            } catch (DecodeException e) {
                in = new RawInsn(bb.getLong(p));
            }
            out.add(in);
            p += in.slots() * 8;
        }
        return out;
    }

    /**
     * Why the slot at byte {@code p} of {@code bb} does not decode, or null if it does; {@code length}
     * is where the input ends (a slot needs the one after it to be a whole {@code ld_imm64}).
     */
    static String problemAt(ByteBuffer bb, boolean little, int p, int length) {
        try {
            decodeAt(bb, little, p, length);
            return null;
        } catch (DecodeException e) {
            return e.reason();
        }
    }

    static Instruction decodeAt(ByteBuffer bb, boolean little, int p, int length) {
        Slot s = new Slot(bb, little, p);
        try {
            return s.decode(length);
        } catch (DecodeException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DecodeException(p, "opcode 0x" + hex2(s.opcode) + ": " + e.getMessage());
        }
    }

    private static final String[] HEX2 = new String[256];

    static {
        for (int i = 0; i < 256; i++) {
            HEX2[i] = (i < 16 ? "0" : "") + Integer.toHexString(i);
        }
    }

    /** Two lower-case hex digits (a table: String.format would dominate a listing's cost). */
    static String hex2(int b) {
        return HEX2[b & 0xff];
    }

    /** One raw slot's fields, and the rules that turn them into an instruction. */
    private static final class Slot {
        final ByteBuffer bb;
        final int p;
        final int opcode;
        final int dst;
        final int src;
        final int off;
        final int imm;

        Slot(ByteBuffer bb, boolean little, int p) {
            this.bb = bb;
            this.p = p;
            this.opcode = bb.get(p) & 0xff;
            int regs = bb.get(p + 1) & 0xff;
            this.dst = little ? regs & 0x0f : regs >>> 4;
            this.src = little ? regs >>> 4 : regs & 0x0f;
            this.off = bb.getShort(p + 2);
            this.imm = bb.getInt(p + 4);
        }

        private DecodeException error(String message) {
            return new DecodeException(p, "opcode 0x" + hex2(opcode) + ": " + message);
        }

        private DecodeException unknown() {
            return new DecodeException(p, "unknown opcode 0x" + hex2(opcode));
        }

        private Reg reg(int n, String role) {
            if (n > 10) {
                throw error(role + " register r" + n + " does not exist: expected r0..r10");
            }
            return Reg.of(n);
        }

        private void zero(int value, String field) {
            if (value != 0) {
                throw error("reserved field " + field + " is " + value + ": expected 0");
            }
        }

        Instruction decode(int length) {
            reg(dst, "destination");
            reg(src, "source");
            int cls = opcode & 0x07;
            switch (cls) {
                case Instruction.CLASS_ALU:
                case Instruction.CLASS_ALU64:
                    return alu(cls == Instruction.CLASS_ALU64);
                case Instruction.CLASS_JMP:
                case Instruction.CLASS_JMP32:
                    return jump(cls == Instruction.CLASS_JMP32);
                case Instruction.CLASS_LDX:
                    return ldx();
                case Instruction.CLASS_ST:
                    if ((opcode & 0xe0) != 0x60) {
                        throw unknown();
                    }
                    zero(src, "src");
                    return new StoreInsn(Size.ofCode(opcode), Reg.of(dst), off, null, imm);
                case Instruction.CLASS_STX:
                    return stx();
                default:
                    return ld(length);
            }
        }

        private Instruction alu(boolean alu64) {
            int op = opcode & 0xf0;
            boolean x = (opcode & 0x08) != 0;
            if (op == 0xd0) {
                if (alu64 && x) {
                    throw unknown();
                }
                zero(src, "src");
                zero(off, "off");
                ByteSwap kind = alu64 ? ByteSwap.BSWAP : x ? ByteSwap.BE : ByteSwap.LE;
                return new EndianInsn(kind, imm, Reg.of(dst));
            }
            if (op == 0xe0 || op == 0xf0) {
                throw unknown();
            }
            if (op == 0x80) {
                if (x) {
                    throw unknown();
                }
                zero(src, "src");
                zero(off, "off");
                zero(imm, "imm");
                return new AluInsn(AluOp.NEG, alu64, Reg.of(dst), null, 0);
            }
            if (op == 0xb0 && x && alu64 && off == 1) {
                return new AddrSpaceCastInsn(Reg.of(dst), Reg.of(src), imm >>> 16, imm & 0xffff);
            }
            AluOp aluOp = AluOp.of(op, off);
            if (aluOp == null || (aluOp.isMovsx() && !x)) {
                throw error("off " + off + " selects no variant of this operation: expected "
                        + (op == 0x30 || op == 0x90 ? "0 or 1" : op == 0xb0 && x ? "0, 8, 16 or 32" : "0"));
            }
            if (x) {
                zero(imm, "imm");
                return new AluInsn(aluOp, alu64, Reg.of(dst), Reg.of(src), 0);
            }
            zero(src, "src");
            return new AluInsn(aluOp, alu64, Reg.of(dst), null, imm);
        }

        private Instruction jump(boolean jmp32) {
            int op = opcode & 0xf0;
            boolean x = (opcode & 0x08) != 0;
            switch (op) {
                case 0x00:
                    if (x) {
                        throw unknown();
                    }
                    zero(dst, "dst");
                    zero(src, "src");
                    if (jmp32) {
                        zero(off, "off");
                        return new GotoInsn(true, imm, null);
                    }
                    zero(imm, "imm");
                    return new GotoInsn(false, off, null);
                case 0x80: {
                    if (x || jmp32) {
                        throw unknown();
                    }
                    zero(dst, "dst");
                    if (src > 2) {
                        throw error("call source " + src + " unknown: expected 0 (helper), 1 (bpf-to-bpf) or 2 (kfunc)");
                    }
                    CallInsn.Type type = CallInsn.Type.values()[src];
                    if (type != CallInsn.Type.KFUNC) {
                        zero(off, "off");
                    }
                    return new CallInsn(type, imm, off, null);
                }
                case 0x90:
                    if (x || jmp32) {
                        throw unknown();
                    }
                    zero(dst, "dst");
                    zero(src, "src");
                    zero(off, "off");
                    zero(imm, "imm");
                    return new ExitInsn();
                case 0xe0:
                    if (x || jmp32) {
                        throw unknown();
                    }
                    zero(dst, "dst");
                    if (src != 0) {
                        throw error("jcond source " + src + " unknown: expected 0 (may_goto)");
                    }
                    zero(imm, "imm");
                    return new MayGotoInsn(off, null);
                default: {
                    JumpOp jop = JumpOp.of(op);
                    if (jop == null) {
                        throw unknown();
                    }
                    if (x) {
                        zero(imm, "imm");
                        return new JumpInsn(jop, jmp32, Reg.of(dst), Reg.of(src), 0, off, null);
                    }
                    zero(src, "src");
                    return new JumpInsn(jop, jmp32, Reg.of(dst), null, imm, off, null);
                }
            }
        }

        private Instruction ldx() {
            int mode = opcode & 0xe0;
            if (mode != 0x60 && mode != 0x80) {
                throw unknown();
            }
            Size size = Size.ofCode(opcode);
            if (mode == 0x80 && size == Size.DW) {
                throw unknown();
            }
            zero(imm, "imm");
            return new LoadInsn(size, mode == 0x80, Reg.of(dst), Reg.of(src), off);
        }

        private Instruction stx() {
            int mode = opcode & 0xe0;
            Size size = Size.ofCode(opcode);
            if (mode == 0x60) {
                zero(imm, "imm");
                return new StoreInsn(size, Reg.of(dst), off, Reg.of(src), 0);
            }
            if (mode != 0xc0) {
                throw unknown();
            }
            AtomicOp op = AtomicOp.of(imm);
            if (op == null) {
                throw error("atomic operation 0x" + Integer.toHexString(imm) + " unknown: expected one of add, or, and,"
                        + " xor (0x00, 0x40, 0x50, 0xa0, | 0x01 fetch), xchg 0xe1, cmpxchg 0xf1,"
                        + " load_acquire 0x100, store_release 0x110");
            }
            return new AtomicInsn(op, size, Reg.of(dst), Reg.of(src), off);
        }

        private Instruction ld(int length) {
            int mode = opcode & 0xe0;
            Size size = Size.ofCode(opcode);
            if (mode == 0x00 && size == Size.DW) {
                zero(off, "off");
                if (length - p < 16) {
                    throw error("half an ld_imm64: the input ends after the first of its two slots");
                }
                int q = p + 8;
                int op2 = bb.get(q) & 0xff;
                int regs2 = bb.get(q + 1) & 0xff;
                int off2 = bb.getShort(q + 2);
                if (op2 != 0 || regs2 != 0 || off2 != 0) {
                    throw new DecodeException(q, "malformed ld_imm64: second slot has opcode 0x" + hex2(op2)
                            + ", registers 0x" + hex2(regs2) + ", off " + off2 + ": expected all 0");
                }
                int hi = bb.getInt(q + 4);
                if (src > 6) {
                    throw error("ld_imm64 pseudo source " + src + " unknown: expected 0..6");
                }
                PseudoSource ps = PseudoSource.of(src);
                long value;
                if (ps == PseudoSource.FUNC) {
                    zero(hi, "imm of the second slot");
                    value = imm;
                } else {
                    value = ((long) hi << 32) | (imm & 0xffff_ffffL);
                }
                return new LoadImm64Insn(Reg.of(dst), ps, value, null);
            }
            if ((mode == 0x20 || mode == 0x40) && size != Size.DW) {
                zero(dst, "dst");
                zero(off, "off");
                if (mode == 0x20) {
                    zero(src, "src");
                    return new PacketLoadInsn(size, false, null, imm);
                }
                return new PacketLoadInsn(size, true, Reg.of(src), imm);
            }
            throw unknown();
        }
    }
}
