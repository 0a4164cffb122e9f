package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every instruction form against outside oracles, recorded under src/test/resources/golden with
 * the tool, version and command that produced them (see the header of each file):
 * llvm-mc 14 and llc 14 for the encodings LLVM 14 knows, RFC 9669 and the 6.18 UAPI header for
 * the rest, and the Linux 6.18 verifier's own log for the text.
 */
class GoldenEncodingTest {

    /** Rows of a golden file: comment and blank lines skipped, columns split on " | ". */
    static List<String[]> rows(String resource) {
        InputStream in = GoldenEncodingTest.class.getResourceAsStream("/golden/" + resource);
        if (in == null) {
            throw new IllegalStateException("golden file " + resource + " missing from the test resources");
        }
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] cols = line.split(" \\| ");
                    for (int i = 0; i < cols.length; i++) {
                        cols[i] = cols[i].trim();
                    }
                    out.add(cols);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Parses one instruction of our syntax, encodes it, and checks both directions and both byte orders. */
    private static void checkForm(String ours, String expectedHex) {
        // The verifier prints an ld_imm64 as "rN = 0x…", which alone reads as a mov: its listing
        // prefix (18) says which it is, and so does LLVM's "ll".
        String opcode = expectedHex.replace(" ", "").substring(0, 2);
        if (opcode.equals("18") && ours.matches("r\\d+ = 0x[0-9a-f]+")) {
            assertEquals(TextAssembler.parse("0: (18) " + ours).instructions(), TextAssembler.parse(ours + " ll").instructions(),
                    "'" + ours + " ll' and '0: (18) " + ours + "'");
        }
        List<Instruction> parsed = TextAssembler.parse(opcode.equals("18") ? "0: (18) " + ours : ours).instructions();
        assertEquals(1, parsed.size(), "one instruction in '" + ours + "'");
        Instruction insn = parsed.get(0);
        assertEquals(expectedHex.replace(" ", ""), hex(InstructionCodec.encode(parsed, ByteOrder.LITTLE_ENDIAN)),
                "encoding of '" + ours + "'");
        List<Instruction> decoded = InstructionCodec.decode(bytes(expectedHex), ByteOrder.LITTLE_ENDIAN);
        assertEquals(List.of(insn), decoded, "decoding of " + expectedHex);
        assertEquals(ours, Disassembler.format(decoded.get(0)), "text of " + expectedHex);
        byte[] big = InstructionCodec.encode(parsed, ByteOrder.BIG_ENDIAN);
        assertEquals(List.of(insn), InstructionCodec.decode(big, ByteOrder.BIG_ENDIAN), "big-endian round trip");
    }

    private static Stream<DynamicTest> forms(String resource, int hexColumn) {
        return rows(resource).stream().map(c -> DynamicTest.dynamicTest(c[0], () -> checkForm(c[0], c[hexColumn])));
    }

    @TestFactory
    Stream<DynamicTest> encodingsMatchLlvmMc14() {
        return forms("llvm-mc-14.golden", 2);
    }

    @TestFactory
    Stream<DynamicTest> llvmSpellingsParseToTheSameBytes() {
        return rows("llvm-mc-14.golden").stream().map(c -> DynamicTest.dynamicTest(c[1], () -> assertEquals(c[2],
                hex(InstructionCodec.encode(TextAssembler.parse(c[1]).instructions(), ByteOrder.LITTLE_ENDIAN)))));
    }

    @TestFactory
    Stream<DynamicTest> atomicEncodingsMatchLlc14() {
        return forms("llc-14-atomics.golden", 2);
    }

    @TestFactory
    Stream<DynamicTest> cpuV4AndLaterEncodingsMatchRfc9669AndUapiHeader() {
        return forms("rfc9669-forms.golden", 1);
    }

    @TestFactory
    Stream<DynamicTest> textMatchesTheLinux618VerifierLog() {
        return rows("kernel-verifier.golden").stream().map(c -> DynamicTest.dynamicTest(c[1], () -> {
            String kernelLine = c[1];
            int slot = Integer.parseInt(kernelLine.substring(0, kernelLine.indexOf(':')));
            List<Instruction> decoded = InstructionCodec.decode(bytes(c[0]), ByteOrder.LITTLE_ENDIAN);
            assertEquals(1, decoded.size());
            assertEquals(kernelLine, Disassembler.line(slot, decoded.get(0)));
            // and the kernel's own line parses back to the same bytes
            assertEquals(c[0], hex(InstructionCodec.encode(TextAssembler.parse(kernelLine).instructions(),
                    ByteOrder.LITTLE_ENDIAN)));
        }));
    }

    @Test
    void goldenFilesCoverEveryInstructionKindAndAluJumpAtomicOperation() {
        List<Instruction> all = new ArrayList<>();
        for (String f : new String[] {"llvm-mc-14.golden", "llc-14-atomics.golden", "rfc9669-forms.golden"}) {
            for (String[] c : rows(f)) {
                String hexColumn = c[c.length - 1].replace(" ", "");
                all.addAll(TextAssembler.parse((hexColumn.startsWith("18") ? "0: (18) " : "") + c[0]).instructions());
            }
        }
        for (Instruction.Kind k : Instruction.Kind.values()) {
            if (k != Instruction.Kind.LABEL && k != Instruction.Kind.RAW) {   // a raw slot has no oracle
                assertTrue(all.stream().anyMatch(i -> i.kind() == k), "no golden row for " + k);
            }
        }
        for (AluOp op : AluOp.values()) {
            for (boolean alu64 : new boolean[] {true, false}) {
                if (op == AluOp.MOVSX32 && !alu64) {
                    continue;
                }
                assertTrue(all.stream().anyMatch(i -> i instanceof AluInsn && ((AluInsn) i).op() == op
                        && ((AluInsn) i).alu64() == alu64), "no golden row for " + op + (alu64 ? "64" : "32"));
            }
        }
        for (JumpOp op : JumpOp.values()) {
            for (boolean jmp32 : new boolean[] {true, false}) {
                for (boolean reg : new boolean[] {true, false}) {
                    assertTrue(all.stream().anyMatch(i -> i instanceof JumpInsn && ((JumpInsn) i).op() == op
                            && ((JumpInsn) i).jmp32() == jmp32 && (((JumpInsn) i).src() != null) == reg),
                            "no golden row for " + op + (jmp32 ? "32" : "") + (reg ? " reg" : " imm"));
                }
            }
        }
        for (AtomicOp op : AtomicOp.values()) {
            assertTrue(all.stream().anyMatch(i -> i instanceof AtomicInsn && ((AtomicInsn) i).op() == op),
                    "no golden row for " + op);
        }
        for (PseudoSource ps : PseudoSource.values()) {
            assertTrue(all.stream().anyMatch(i -> i instanceof LoadImm64Insn && ((LoadImm64Insn) i).source() == ps),
                    "no golden row for ld_imm64 " + ps);
        }
        for (CallInsn.Type t : CallInsn.Type.values()) {
            assertTrue(all.stream().anyMatch(i -> i instanceof CallInsn && ((CallInsn) i).type() == t),
                    "no golden row for call " + t);
        }
        assertFalse(all.isEmpty());
    }
}
