package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spellings LLVM and clang produce, and the rules that moved from decoding to building (issue 14).
 * Expected bytes are llvm-mc 19's ({@code llvm-mc-19 -triple=bpfel -mcpu=v4 -show-encoding}).
 */
class SpellingsAndRulesTest {
    private static final TextAssembler.Options ALL = TextAssembler.Options.DEFAULT.allowAll();

    private static String asm(String text) {
        return HexFormat.of().formatHex(TextAssembler.assemble(text, ByteOrder.LITTLE_ENDIAN, ALL).bytecode());
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void hexImmediateWithoutLlIsAMovAsLlvmReadsIt() {
        assertEquals("b700000023ff0000", asm("r0 = 0xff23"));
        // bit 31 set: the mov's immediate, which the kernel sign-extends to 0xfffffffffaceb00c
        assertEquals("b70700000cb0cefa", asm("r7 = 0xfaceb00c"));
        assertEquals("b7090000ffffffff", asm("r9 = 4294967295"));
        assertEquals("b7090000ffffffff", asm("r9 = -1"));
        assertEquals("1800000023ff00000000000000000000", asm("r0 = 0xff23 ll"));
        TextParseException e = assertThrows(TextParseException.class, () -> asm("r1 = 0x123456789"));
        assertEquals("line 1, column 6: immediate 0x123456789 does not fit the 32-bit immediate of a mov"
                + " (-2147483648..4294967295): write r1 = 0x123456789 ll to load a 64-bit constant", e.getMessage());
        assertThrows(TextParseException.class, () -> asm("r1 = -2147483649"));
    }

    @Test
    void llongMinInDecimalAndCIntegerSuffixesAreRead() {
        assertEquals("18010000000000000000000000000080", asm("r1 = -9223372036854775808 ll"));
        assertEquals("18010000000000000000000000000080", asm("r1 = -0x8000000000000000 ll"));
        assertThrows(TextParseException.class, () -> asm("r1 = -9223372036854775809 ll"));
        assertEquals("180100000000000000000000ffffffff", asm("r1 = 0xffffffff00000000LL ll"));
        assertEquals("180100000000000000000000ffffffff", asm("r1 = 0xffffffff00000000ULL ll"));
        assertEquals("b701000005000000", asm("r1 = 5U"));
        assertEquals("b701000005000000", asm("r1 = 5UL"));
        assertEquals("0701000005000000", asm("r1 += 5ll"));
        assertEquals("1801000001000000000000000000000018020000ffffffff00000000ffffffff",
                asm("r1 = 1ULL ll\nr2 = 18446744073709551615 ll"));
    }

    @Test
    void gnuNumericLocalLabelsGoToTheNearestDefinition() {
        String text = String.join("\n",
                "1: r0 = 0",
                "goto 1f",      // to the second 1:
                "goto 1b",      // to the first 1:
                "1:",
                "r0 += 1",
                "if r0 < 3 goto 1b",   // to the second 1:
                "exit");
        assertEquals("b700000000000000" + "0500010000000000" + "0500fdff00000000" + "0700000001000000"
                + "a500feff03000000" + "9500000000000000", asm(text));
        assertEquals("line 1, column 6: 2b refers back to local label 2:, but none is defined before this line",
                assertThrows(TextParseException.class, () -> asm("goto 2b\nexit")).getMessage());
        assertEquals("line 1: 3f refers forward to local label 3:, but none is defined after this line",
                assertThrows(TextParseException.class, () -> asm("goto 3f\nexit")).getMessage());
    }

    @Test
    void labelAtTheEndAndTargetsOutsideTheProgramAreWarningsUnlessStrict() {
        TextAssembler.Result r = TextAssembler.assemble("if r1 == 0 goto out\ngoto -3\nr0 = 0\nout:\n",
                ByteOrder.LITTLE_ENDIAN, TextAssembler.Options.DEFAULT);
        assertEquals("1501020000000000" + "0500fdff00000000" + "b700000000000000", HexFormat.of().formatHex(r.bytecode()));
        assertEquals(3, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).startsWith("line 3: slot 2 (instruction 2: r0 = 0) ends the program"), r.warnings().get(0));
        assertTrue(r.warnings().get(1).contains("label 'out' marks the end of the program"), r.warnings().get(1));
        assertTrue(r.warnings().get(2).contains("offset -3 lands at slot -1, outside the program (0..2)"), r.warnings().get(2));
        assertThrows(TextParseException.class, () -> TextAssembler.assemble("goto pc+1\nexit\n", ByteOrder.LITTLE_ENDIAN,
                TextAssembler.Options.DEFAULT.strict(true)));
        // a label at the end that nothing jumps to is no concern at all
        assertEquals(List.of(), TextAssembler.assemble("exit\nend:\n", ByteOrder.LITTLE_ENDIAN,
                TextAssembler.Options.DEFAULT).warnings());
    }

    @Test
    void decoderReadsEveryEncodingTheKernelPrints() {
        assertEquals(List.of(new AluInsn(AluOp.DIV, true, Reg.R0, null, 0), new AluInsn(AluOp.MOV, true, Reg.R10, null, 1),
                        new AluInsn(AluOp.LSH, false, Reg.R6, null, 63), new ExitInsn()),
                InstructionCodec.decode(hex("3700000000000000" + "b70a000001000000" + "640600003f000000"
                        + "9500000000000000"), ByteOrder.LITTLE_ENDIAN));
        assertEquals("0: (37) r0 /= 0\n1: (b7) r10 = 1\n2: (64) w6 <<= 63\n", Disassembler.disassemble(
                hex("3700000000000000" + "b70a000001000000" + "640600003f000000"), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void aBadSlotIsShownWithItsBytesAndTheListingGoesOnInBothByteOrders() {
        byte[] le = hex("b700000000000000" + "b700030000000000" + "1801000001000000" + "9500000000000000");
        String listing = Disassembler.disassemble(le, ByteOrder.LITTLE_ENDIAN);
        assertEquals(String.join("\n",
                "0: (b7) r0 = 0",
                "1: (b7) .8byte 0x00000000000300b7  ; bad slot: opcode 0xb7: off 3 selects no variant of this operation: expected 0"
                        + " (bytes b7 00 03 00 00 00 00 00)",
                "2: (18) .8byte 0x0000000100000118  ; bad slot: malformed ld_imm64: second slot has opcode 0x95,"
                        + " registers 0x00, off 0: expected all 0 (bytes 18 01 00 00 01 00 00 00)",
                "3: (95) exit", ""), listing);
        assertEquals(HexFormat.of().formatHex(le), HexFormat.of().formatHex(
                TextAssembler.assemble(listing, ByteOrder.LITTLE_ENDIAN, ALL).bytecode()));
        byte[] be = hex("b700000000000000" + "ff00000000000000" + "9500000000000000");
        String bigListing = Disassembler.disassemble(be, ByteOrder.BIG_ENDIAN);
        assertTrue(bigListing.contains("1: (ff) .8byte 0xff00000000000000  ; bad slot: unknown opcode 0xff"), bigListing);
        assertEquals(HexFormat.of().formatHex(be), HexFormat.of().formatHex(
                TextAssembler.assemble(bigListing, ByteOrder.BIG_ENDIAN, ALL).bytecode()));
        // without allowing raw slots the assembler refuses them by name
        assertTrue(assertThrows(TextParseException.class, () -> TextAssembler.assemble(listing, ByteOrder.LITTLE_ENDIAN))
                .getMessage().contains("RAW_SLOT"));
    }

    @Test
    void streamingListingMatchesTheInMemoryOneAcrossWindowBoundaries() throws Exception {
        // an ld_imm64 straddling the 64 KiB window boundary, and a bad slot right after it
        int slots = 64 * 1024 / 8 + 5;
        byte[] code = new byte[slots * 8];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < slots; i++) {
            bb.putLong(i * 8, 0x00000001000000b7L | (long) (i % 10) << 8);   // r(i%10) = 1: r10 too
        }
        int at = 64 * 1024 / 8 - 1;
        bb.putLong(at * 8, 0x0000000700000118L);
        bb.putLong(at * 8 + 8, 0x0000000500000000L);
        bb.putLong(at * 8 + 16, 0xffL);
        StringBuilder streamed = new StringBuilder();
        Disassembler.Stats st = Disassembler.disassemble(new java.io.ByteArrayInputStream(code), ByteOrder.LITTLE_ENDIAN, streamed);
        assertEquals(Disassembler.disassemble(code, ByteOrder.LITTLE_ENDIAN), streamed.toString());
        assertEquals(new Disassembler.Stats(slots, 1, 0), st);
        assertTrue(streamed.toString().contains(at + ": (18) r1 = 0x500000007\n"), "ld_imm64 across the boundary");
    }

    @Test
    void builderRefusesWhatLintRulesRefuseUnlessAllowedOnPurpose() {
        AssemblyException e = assertThrows(AssemblyException.class,
                () -> Program.builder().mov64(Reg.R0, 1).ldImm64(Reg.R1, 5).label("here").div64(Reg.R0, 0));
        assertEquals(3, e.index());        // slots: the ld_imm64 takes two
        assertEquals(3, e.instruction());  // list index: the label takes one
        assertEquals("slot 3 (instruction 3, after label 'here'): r0 /= 0 divides by the immediate 0 (allow it on"
                + " purpose with Lint.Rule.DIVISION_BY_ZERO / --allow division-by-zero)", e.getMessage());
        Program p = Program.builder().allow(Lint.Rule.DIVISION_BY_ZERO, Lint.Rule.WRITES_FRAME_POINTER)
                .mov64(Reg.R0, 1).div64(Reg.R0, 0).mov64(Reg.R10, 0).exit().build();
        assertEquals("b700000001000000" + "3700000000000000" + "b70a000000000000" + "9500000000000000",
                HexFormat.of().formatHex(p.assemble(ByteOrder.LITTLE_ENDIAN)));
        List<Lint.Finding> findings = Lint.check(p);
        assertEquals(List.of(Lint.Rule.DIVISION_BY_ZERO, Lint.Rule.WRITES_FRAME_POINTER),
                findings.stream().map(Lint.Finding::rule).toList());
        assertEquals(List.of(1, 2), findings.stream().map(Lint.Finding::slot).toList());
        // a program from any source: the lint sees shape problems too
        List<Lint.Finding> shape = Lint.check(Program.of(List.of(new AluInsn(AluOp.LSH, true, Reg.R1, null, 64),
                new GotoInsn(false, 9, null), new AluInsn(AluOp.MOV, true, Reg.R0, null, 0))));
        assertEquals(List.of(Lint.Rule.SHIFT_OUT_OF_RANGE, Lint.Rule.NO_FINAL_EXIT, Lint.Rule.TARGET_OUTSIDE_PROGRAM),
                shape.stream().map(Lint.Finding::rule).toList());
        assertEquals(Lint.Rule.DIVISION_BY_ZERO, Lint.Rule.byId("division-by-zero"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Lint.Rule.byId("x".repeat(100_000)))
                .getMessage().length() < 300);
    }
}
