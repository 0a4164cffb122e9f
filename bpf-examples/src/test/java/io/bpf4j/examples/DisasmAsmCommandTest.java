package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./bpf4j disasm} and {@code ./bpf4j asm}, run in-process. */
class DisasmAsmCommandTest {
    private static final String LISTING = String.join("\n",
            "0: (85) call bpf_ktime_get_ns#5",
            "1: (15) if r0 == 0x0 goto pc+1",
            "2: (bf) r6 = r0",
            "3: (b7) r0 = 0",
            "4: (95) exit", "");
    private static final String HEX = "8500000005000000" + "1500010000000000" + "bf06000000000000"
            + "b700000000000000" + "9500000000000000";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Bpf4j.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void disasmPrintsAHexStringInTheVerifierSyntax() {
        Run r = run("disasm", "--order", "little", "--hex", HEX);
        assertEquals(0, r.exit(), r.err());
        assertEquals(LISTING, r.out());
    }

    @Test
    void disasmReadsRawBytecodeInHostOrder(@TempDir Path tmp) throws IOException {
        byte[] little = HexFormat.of().parseHex(HEX);
        Path file = tmp.resolve("prog.bin");
        // write it in host order: re-encode if the host is big-endian
        Files.write(file, io.bpf4j.core.InstructionCodec.encode(
                io.bpf4j.core.InstructionCodec.decode(little, ByteOrder.LITTLE_ENDIAN), ByteOrder.nativeOrder()));
        Run r = run("disasm", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(LISTING, r.out());
    }

    @Test
    void asmWritesBytecodeThatDisasmPrintsBack(@TempDir Path tmp) throws IOException {
        Path src = tmp.resolve("prog.s");
        Files.writeString(src, "call bpf_ktime_get_ns\nif r0 == 0 goto out\nr6 = r0\nout:\nr0 = 0\nexit\n");
        Path out = tmp.resolve("prog.bin");
        Run r = run("asm", src.toString(), "-o", out.toString(), "--order", "little");
        assertEquals(0, r.exit(), r.err());
        assertEquals(out + ": 5 slots (40 bytes)\n", r.out());
        assertArrayEquals(HexFormat.of().parseHex(HEX), Files.readAllBytes(out));
        Run back = run("disasm", "--order", "little", out.toString());
        assertEquals(LISTING, back.out());
    }

    @Test
    void asmTakesTheListingItselfWithPrefixes(@TempDir Path tmp) throws IOException {
        Path src = tmp.resolve("listing.txt");
        Files.writeString(src, LISTING);
        Path out = tmp.resolve("prog.bin");
        assertEquals(0, run("asm", src.toString(), "-o", out.toString(), "--order", "little").exit());
        assertArrayEquals(HexFormat.of().parseHex(HEX), Files.readAllBytes(out));
    }

    @Test
    void errorsAreOneLineWithExitCodeOneAndNoStackTrace(@TempDir Path tmp) throws IOException {
        Run truncated = run("disasm", "--hex", "b70000000000000095");
        assertEquals(1, truncated.exit());
        assertEquals("0: (b7) r0 = 0\n; 1: 1 trailing byte (95): not a whole 8-byte slot, not listed\n", truncated.out());
        assertEquals("bpf4j disasm: <stdin>: 1 trailing bytes after slot 0: the input is not a whole number of"
                + " 8-byte slots\n", truncated.err());

        Run badHex = run("disasm", "--hex", "zz");
        assertEquals(1, badHex.exit());
        assertEquals(1, badHex.err().lines().count(), badHex.err());

        Run missing = run("disasm", tmp.resolve("nope.bin").toString());
        assertEquals(1, missing.exit());
        assertEquals("bpf4j disasm: " + tmp.resolve("nope.bin") + ": no such file\n", missing.err());

        Run both = run("disasm", "x.bin", "--hex", "95");
        assertEquals(1, both.exit());
        assertEquals("bpf4j disasm: give a FILE or --hex HEX, not both\n", both.err());

        Path src = tmp.resolve("bad.s");
        Files.writeString(src, "r0 = 0\nr1 = r11\nexit\n");
        Run syntax = run("asm", src.toString(), "-o", tmp.resolve("out.bin").toString());
        assertEquals(1, syntax.exit());
        assertEquals("bpf4j asm: " + src + ": line 2, column 6: register r11 does not exist: expected r0..r10 (w0..w10)\n",
                syntax.err());
        assertFalse(Files.exists(tmp.resolve("out.bin")));

        Files.writeString(src, "r0 = 0\nif r0 == 0 goto nowhere\nexit\n");
        Run label = run("asm", src.toString(), "-o", tmp.resolve("out.bin").toString());
        assertEquals(1, label.exit());
        assertEquals("bpf4j asm: " + src + ": line 2: slot 1 (instruction 1: if r0 == 0x0 goto nowhere): unknown label 'nowhere';"
                + " no labels are defined\n", label.err());

        Run order = run("disasm", "--order", "middle", "--hex", "9500000000000000");
        assertEquals(1, order.exit());
        assertEquals("bpf4j disasm: --order middle unknown: expected host, little or big\n", order.err());
    }

    /** Runs with {@code stdin} as standard input and returns what went to standard output as bytes. */
    private static byte[] withStdio(byte[] stdin, Runnable body) {
        java.io.InputStream oldIn = System.in;
        java.io.PrintStream oldOut = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            System.setIn(new java.io.ByteArrayInputStream(stdin));
            System.setOut(new java.io.PrintStream(bytes, true));
            body.run();
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
        }
        return bytes.toByteArray();
    }

    @Test
    void disasmReadsStandardInputWithDashOrNoFile() {
        byte[] code = java.util.HexFormat.of().parseHex(HEX);
        Run[] runs = new Run[2];
        withStdio(code, () -> runs[0] = run("disasm", "--order", "little"));
        withStdio(code, () -> runs[1] = run("disasm", "-", "--order", "little"));
        for (Run r : runs) {
            assertEquals(0, r.exit(), r.err());
            assertEquals(LISTING, r.out());
        }
    }

    @Test
    void asmWritesBytesToStandardOutputAndItsStatusToStandardError() {
        Run[] r = new Run[1];
        byte[] out = withStdio(LISTING.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                () -> r[0] = run("asm", "-", "-o", "-", "--order", "little"));
        assertEquals(0, r[0].exit(), r[0].err());
        assertEquals(HEX, java.util.HexFormat.of().formatHex(out));
        assertEquals("", r[0].out());
        assertEquals("bpf4j asm: <stdout>: 5 slots (40 bytes)\n", r[0].err());
    }

    @Test
    void emptyInputSaysSoWithExitCodeOne(@TempDir Path tmp) throws IOException {
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        Run d = run("disasm", empty.toString());
        assertEquals(1, d.exit());
        assertEquals("bpf4j disasm: " + empty + ": empty input: no bytecode to list\n", d.err());
        Path blank = tmp.resolve("blank.s");
        Files.writeString(blank, "\n  \n");
        Run a = run("asm", blank.toString(), "-o", tmp.resolve("o.bin").toString());
        assertEquals(1, a.exit());
        assertEquals("bpf4j asm: " + blank + ": empty input: no instructions to assemble\n", a.err());
        assertFalse(Files.exists(tmp.resolve("o.bin")));
    }

    @Test
    void aBadSlotIsShownWithItsBytesAndTheListingGoesOnAndReassembles(@TempDir Path tmp) throws IOException {
        // r0 /= 0, r10 = 1, w6 <<= 63 (valid encodings the kernel prints), an unknown opcode, exit
        String hex = "3700000000000000" + "b70a000001000000" + "640600003f000000" + "ff00000000000000" + "9500000000000000";
        Run d = run("disasm", "--order", "little", "--hex", hex);
        assertEquals(0, d.exit(), d.err());
        assertEquals(String.join("\n", "0: (37) r0 /= 0", "1: (b7) r10 = 1", "2: (64) w6 <<= 63",
                "3: (ff) .8byte 0x00000000000000ff  ; bad slot: unknown opcode 0xff (bytes ff 00 00 00 00 00 00 00)",
                "4: (95) exit", ""), d.out());
        assertEquals("bpf4j disasm: <stdin>: warning: 1 of 5 slots do not decode; they are listed as .8byte with the"
                + " reason\n", d.err().replace("<stdin>", "<stdin>"));
        Path src = tmp.resolve("l.s");
        Files.writeString(src, d.out());
        Run refused = run("asm", src.toString(), "-o", tmp.resolve("o.bin").toString(), "--order", "little");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("line 1: r0 /= 0 divides by the immediate 0"), refused.err());
        Run allowed = run("asm", src.toString(), "-o", tmp.resolve("o.bin").toString(), "--order", "little",
                "--allow", "all");
        assertEquals(0, allowed.exit(), allowed.err());
        assertEquals(hex, java.util.HexFormat.of().formatHex(Files.readAllBytes(tmp.resolve("o.bin"))));
    }

    @Test
    void warningsAreErrorsOnlyWhenStrict(@TempDir Path tmp) throws IOException {
        Path src = tmp.resolve("w.s");
        Files.writeString(src, "1:\nr0 = 0xff23\ngoto 1b\nif r0 > 1 goto 2f\ngoto +5\n2:\n");
        Run lax = run("asm", src.toString(), "-o", tmp.resolve("o.bin").toString(), "--order", "little");
        assertEquals(0, lax.exit(), lax.err());
        assertEquals("b700000023ff0000" + "0500feff00000000" + "2500010001000000" + "0500050000000000",
                java.util.HexFormat.of().formatHex(Files.readAllBytes(tmp.resolve("o.bin"))));
        assertEquals(2, lax.err().lines().filter(l -> l.contains("warning:")).count(), lax.err());
        Run strict = run("asm", src.toString(), "-o", tmp.resolve("s.bin").toString(), "--strict");
        assertEquals(1, strict.exit());
        assertTrue(strict.err().contains("(an error because assembly is strict)"), strict.err());
    }

    @Test
    void messagesQuoteOnlyAnExcerptOfHugeInput(@TempDir Path tmp) throws IOException {
        Path src = tmp.resolve("huge.s");
        Files.writeString(src, "r0 = " + "x".repeat(100_000) + "\nexit\n");
        Run a = run("asm", src.toString(), "-o", tmp.resolve("o.bin").toString());
        assertEquals(1, a.exit());
        assertTrue(a.err().length() < 400, a.err().length() + " characters: " + a.err().substring(0, Math.min(200, a.err().length())));
        Path call = tmp.resolve("call.s");
        Files.writeString(call, "call " + "f".repeat(100_000) + "\nexit\n");
        Run c = run("asm", call.toString(), "-o", tmp.resolve("o.bin").toString());
        assertEquals(1, c.exit());
        assertTrue(c.err().length() < 400, c.err().length() + " characters");
    }
}
