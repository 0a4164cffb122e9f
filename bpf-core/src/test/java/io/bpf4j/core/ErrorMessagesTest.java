package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every error the assembler, the builder, the decoder and the text parser report, message included. */
class ErrorMessagesTest {

    private static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static ProgramBuilder farJump(java.util.function.Consumer<ProgramBuilder> jump) {
        ProgramBuilder b = Program.builder();
        jump.accept(b);
        for (int i = 0; i < 40_000; i++) {
            b.mov64(Reg.R0, 0);
        }
        return b.label("far").exit();
    }

    // ---- labels -------------------------------------------------------------------------------

    @Test
    void unknownLabelNamesTheNearestKnownLabel() {
        AssemblyException e = assertThrows(AssemblyException.class,
                () -> Program.builder().mov64(Reg.R0, 0).jeq(Reg.R0, 0, "ot").label("out").exit().build().assemble());
        assertEquals("slot 1 (instruction 1: if r0 == 0x0 goto ot): unknown label 'ot'; did you mean 'out'?", e.getMessage());
        assertEquals(1, e.index());
        assertEquals("ot", e.label());
    }

    @Test
    void unknownLabelWithNothingCloseListsTheKnownLabels() {
        assertEquals("slot 0 (instruction 0: goto zzz): unknown label 'zzz'; known labels: alpha, beta",
                message(AssemblyException.class, () -> Program.builder().ja("zzz").label("alpha").label("beta")
                        .exit().build().assemble()));
    }

    @Test
    void duplicateLabelNamesBothPlaces() {
        assertEquals("slot 1 (instruction 2): duplicate label 'a', first defined at instruction 0",
                message(AssemblyException.class, () -> Program.builder().label("a").mov64(Reg.R0, 0).label("a")
                        .exit().build().assemble()));
    }

    // ---- offsets ------------------------------------------------------------------------------

    @Test
    void farConditionalJumpIsAnErrorWhenWideningIsOff() {
        assertEquals("slot 0 (instruction 0: if r0 == 0x0 goto far): jump offset 40000 out of range: expected -32768..32767"
                        + " (widening of far jumps is off)",
                message(AssemblyException.class, () -> farJump(b -> b.jeq(Reg.R0, 0, "far")).build()
                        .assembleDetailed(ByteOrder.LITTLE_ENDIAN, false)));
        assertEquals("slot 0 (instruction 0: goto far): jump offset 40000 out of range: expected -32768..32767"
                        + " (widening of far jumps is off)",
                message(AssemblyException.class, () -> farJump(b -> b.ja("far")).build()
                        .assembleDetailed(ByteOrder.LITTLE_ENDIAN, false)));
    }

    @Test
    void farMayGotoIsAnErrorAlways() {
        assertEquals("slot 0 (instruction 0: may_goto far): jump offset 40000 out of range: expected -32768..32767:"
                        + " may_goto has no wide form",
                message(AssemblyException.class, () -> farJump(b -> b.mayGoto("far")).build().assemble()));
    }

    @Test
    void jumpBeyondSixteenBitsIsWidenedToGotol() {
        byte[] code = farJump(b -> b.jeq(Reg.R0, 0, "far")).build().assemble(ByteOrder.LITTLE_ENDIAN);
        List<Instruction> insns = InstructionCodec.decode(code, ByteOrder.LITTLE_ENDIAN);
        assertEquals(new JumpInsn(JumpOp.JNE, false, Reg.R0, null, 0, 1, null), insns.get(0));
        assertEquals(new GotoInsn(true, 40_000, null), insns.get(1));
        byte[] jset = farJump(b -> b.jset(Reg.R1, 4, "far")).build().assemble(ByteOrder.LITTLE_ENDIAN);
        List<Instruction> j = InstructionCodec.decode(jset, ByteOrder.LITTLE_ENDIAN);
        // jset has no inverse: if r1 & 4 goto +1; goto +1; gotol far
        assertEquals(List.of(new JumpInsn(JumpOp.JSET, false, Reg.R1, null, 4, 1, null), new GotoInsn(false, 1, null),
                new GotoInsn(true, 40_000, null)), j.subList(0, 3));
    }

    @Test
    void rawOffsetOutsideTheProgramIsNamed() {
        assertEquals("slot 0 (instruction 0: goto pc+5): offset 5 lands at slot 6, outside the program (0..1)",
                message(AssemblyException.class, () -> Program.of(List.of(new GotoInsn(false, 5, null), new ExitInsn()))
                        .assemble()));
        assertEquals("ja: offset 40000 out of range: expected -32768..32767",
                message(IllegalArgumentException.class, () -> new GotoInsn(false, 40_000, null)));
    }

    // ---- values -------------------------------------------------------------------------------

    @Test
    void immediateBeyondThirtyTwoBitsIsRejectedWithLineAndColumn() {
        TextParseException e = assertThrows(TextParseException.class, () -> TextAssembler.parse("r0 = 0\nr1 += 4294967296\nexit"));
        assertEquals("line 2, column 7: immediate 4294967296 out of range: expected a 32-bit value"
                + " (-2147483648..4294967295); use an ld_imm64 (rN = 0x... ll) for 64-bit constants", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(7, e.column());
        assertEquals("ld_imm64 func: offset 4294967296 out of range: expected a signed 32-bit value",
                message(IllegalArgumentException.class, () -> new LoadImm64Insn(Reg.R1, PseudoSource.FUNC, 1L << 32, null)));
    }

    @Test
    void shiftBeyondTheOperandWidthIsRejected() {
        assertEquals("slot 0 (instruction 0): r1 <<= 64 shifts by 64: expected 0..63 (allow it on purpose with"
                        + " Lint.Rule.SHIFT_OUT_OF_RANGE / --allow shift-out-of-range)",
                message(AssemblyException.class, () -> Program.builder().lsh64(Reg.R1, 64)));
        assertEquals("slot 1 (instruction 1): w1 s>>= 32 shifts by 32: expected 0..31 (allow it on purpose with"
                        + " Lint.Rule.SHIFT_OUT_OF_RANGE / --allow shift-out-of-range)",
                message(AssemblyException.class, () -> Program.builder().mov64(Reg.R0, 0).arsh32(Reg.R1, 32)));
        assertEquals("line 2: w1 <<= 40 shifts by 40: expected 0..31 (allow it on purpose with"
                        + " Lint.Rule.SHIFT_OUT_OF_RANGE / --allow shift-out-of-range)",
                message(TextParseException.class, () -> TextAssembler.parse("r0 = 0\nw1 <<= 40\nexit")));
        // decoding is not validation: the kernel's printer prints it, so the decoder reads it
        assertEquals(List.of(new AluInsn(AluOp.LSH, false, Reg.R6, null, 63)),
                InstructionCodec.decode(hex("640600003f000000"), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void writeToR10IsRejected() {
        assertEquals("slot 0 (instruction 0): r10 = 0 writes r10, the read-only frame pointer (allow it on purpose"
                        + " with Lint.Rule.WRITES_FRAME_POINTER / --allow writes-frame-pointer)",
                message(AssemblyException.class, () -> Program.builder().mov64(Reg.R10, 0)));
        assertEquals("line 1: r10 = 0 writes r10, the read-only frame pointer (allow it on purpose"
                        + " with Lint.Rule.WRITES_FRAME_POINTER / --allow writes-frame-pointer)",
                message(TextParseException.class, () -> TextAssembler.parse("r10 = 0\nexit")));
        // decoding is not validation: the kernel's printer prints it, so the decoder reads it
        assertEquals(List.of(new AluInsn(AluOp.MOV, true, Reg.R10, null, 1)),
                InstructionCodec.decode(hex("b70a000001000000"), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void registerBeyondR10IsRejected() {
        assertEquals("register r11 does not exist: expected r0..r10",
                message(IllegalArgumentException.class, () -> Reg.of(11)));
        assertEquals("line 1, column 6: register r11 does not exist: expected r0..r10 (w0..w10)",
                message(TextParseException.class, () -> TextAssembler.parse("r0 = r11\nexit")));
        assertEquals("byte 8 (slot 1): opcode 0xbf: source register r12 does not exist: expected r0..r10",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("b700000000000000bfc0000000000000"),
                        ByteOrder.LITTLE_ENDIAN)));
    }

    @Test
    void malformedLdImm64IsRejected() {
        assertEquals("byte 8 (slot 1): opcode 0x18: half an ld_imm64: the input ends after the first of its two slots",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("b7000000000000001801000000000000"),
                        ByteOrder.LITTLE_ENDIAN)));
        assertEquals("byte 8 (slot 1): malformed ld_imm64: second slot has opcode 0x95, registers 0x00, off 0: expected all 0",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("18010000000000009500000000000000"),
                        ByteOrder.LITTLE_ENDIAN)));
        assertEquals("byte 0 (slot 0): opcode 0x18: malformed ld_imm64 map_fd: imm 0x100000003 has a non-zero upper half:"
                        + " expected a 32-bit value",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("18110000030000000000000001000000"),
                        ByteOrder.LITTLE_ENDIAN)));
        assertEquals("byte 0 (slot 0): opcode 0x18: ld_imm64 pseudo source 7 unknown: expected 0..6",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("18710000030000000000000000000000"),
                        ByteOrder.LITTLE_ENDIAN)));
        assertEquals("malformed ld_imm64 map_fd: imm 0x100000000 has a non-zero upper half: expected a 32-bit value",
                message(IllegalArgumentException.class, () -> new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, 1L << 32, null)));
    }

    @Test
    void emptyProgramIsRejected() {
        assertEquals("empty program: expected at least one instruction ending in exit",
                message(AssemblyException.class, () -> Program.builder().build().assemble()));
        assertEquals("empty program: expected at least one instruction ending in exit",
                message(AssemblyException.class, () -> Program.builder().label("only").build().assemble()));
        assertEquals("line 2: empty program: expected at least one instruction ending in exit",
                message(TextParseException.class, () -> TextAssembler.assemble("; nothing here\n")));
    }

    @Test
    void programNotEndingInExitOrGotoIsRejected() {
        assertEquals("slot 0 (instruction 0: r0 = 0) ends the program: expected exit or goto, or the CPU would run off its end",
                message(AssemblyException.class, () -> Program.builder().mov64(Reg.R0, 0).build().assemble()));
        // the text assembler leaves it to the verifier: a warning, an error only when strict
        TextAssembler.Result r = TextAssembler.assemble("r0 = 0\n", ByteOrder.LITTLE_ENDIAN, TextAssembler.Options.DEFAULT);
        assertEquals(List.of("line 1: slot 0 (instruction 0: r0 = 0) ends the program: expected exit or goto, or the CPU"
                + " would run off its end"), r.warnings());
        assertEquals("b700000000000000", HexFormat.of().formatHex(r.bytecode()));
        assertEquals("line 1: slot 0 (instruction 0: r0 = 0) ends the program: expected exit or goto, or the CPU would run"
                        + " off its end (an error because assembly is strict)",
                message(TextParseException.class, () -> TextAssembler.assemble("r0 = 0\n", ByteOrder.LITTLE_ENDIAN,
                        TextAssembler.Options.DEFAULT.strict(true))));
    }

    // ---- decoder ------------------------------------------------------------------------------

    @Test
    void truncatedInputNamesTheLeftoverBytes() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> InstructionCodec.decode(hex("b700000000000000950000"), ByteOrder.LITTLE_ENDIAN));
        assertEquals("byte 8 (slot 1): truncated input: 3 bytes left, an instruction takes 8 (input is 11 bytes,"
                + " not a multiple of 8)", e.getMessage());
        assertEquals(8, e.byteOffset());
    }

    @Test
    void unknownOpcodeAndReservedFieldsAreNamed() {
        assertEquals("byte 0 (slot 0): unknown opcode 0xff",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("ff00000000000000"), ByteOrder.LITTLE_ENDIAN)));
        assertEquals("byte 0 (slot 0): opcode 0x95: reserved field imm is 1: expected 0",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("9500000001000000"), ByteOrder.LITTLE_ENDIAN)));
        assertEquals("byte 0 (slot 0): opcode 0xdb: atomic operation 0x2 unknown: expected one of add, or, and, xor"
                        + " (0x00, 0x40, 0x50, 0xa0, | 0x01 fetch), xchg 0xe1, cmpxchg 0xf1, load_acquire 0x100, store_release 0x110",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("db21000002000000"), ByteOrder.LITTLE_ENDIAN)));
        assertEquals("byte 0 (slot 0): opcode 0xbf: off 3 selects no variant of this operation: expected 0, 8, 16 or 32",
                message(DecodeException.class, () -> InstructionCodec.decode(hex("bf21030000000000"), ByteOrder.LITTLE_ENDIAN)));
    }

    // ---- text syntax --------------------------------------------------------------------------

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertEquals("line 2, column 6: expected a number, found '= 2'",
                message(TextParseException.class, () -> TextAssembler.parse("r0 = 0\nr1 +== 2\n")));
        assertEquals("line 1, column 8: expected a type u8..u64 or s8..s32, found 'u128'",
                message(TextParseException.class, () -> TextAssembler.parse("r0 = *(u128 *)(r1 +0)\n")));
        assertEquals("line 1, column 5: prefix opcode (b7) does not match the instruction, whose opcode is (bf)",
                message(TextParseException.class, () -> TextAssembler.parse("0: (b7) r0 = r1\n")));
        assertEquals("line 3, column 1: expected an instruction, found 'frobnicate r1'",
                message(TextParseException.class, () -> TextAssembler.parse("r0 = 0\n\nfrobnicate r1\nexit\n")));
        assertEquals("line 1, column 9: mixed widths w1 and r2: use w registers for 32-bit and r registers for 64-bit",
                message(TextParseException.class, () -> TextAssembler.parse("w1 += r2\n")));
        assertEquals("line 1, column 23: bpf_ktime_get_ns is helper #5, not #6",
                message(TextParseException.class, () -> TextAssembler.parse("call bpf_ktime_get_ns#6\n")));
    }

    @Test
    void unknownLabelInTextNamesItsLine() {
        assertEquals("line 2: slot 1 (instruction 1: if r0 == 0x0 goto outt): unknown label 'outt'; did you mean 'out'?",
                message(TextParseException.class, () -> TextAssembler.assemble("r0 = 0\nif r0 == 0 goto outt\nout:\nexit\n")));
    }
}
