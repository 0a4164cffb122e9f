package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
        assertEquals("bpf4j disasm: byte 8 (slot 1): truncated input: 1 bytes left, an instruction takes 8"
                + " (input is 9 bytes, not a multiple of 8)\n", truncated.err());

        Run badHex = run("disasm", "--hex", "zz");
        assertEquals(1, badHex.exit());
        assertEquals(1, badHex.err().lines().count(), badHex.err());

        Run missing = run("disasm", tmp.resolve("nope.bin").toString());
        assertEquals(1, missing.exit());
        assertEquals("bpf4j disasm: " + tmp.resolve("nope.bin") + ": no such file\n", missing.err());

        Run neither = run("disasm");
        assertEquals(1, neither.exit());
        assertEquals("bpf4j disasm: give either a FILE or --hex HEX\n", neither.err());

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
        assertEquals("bpf4j asm: " + src + ": line 2: instruction 1 (if r0 == 0x0 goto nowhere): unknown label 'nowhere';"
                + " no labels are defined\n", label.err());

        Run order = run("disasm", "--order", "middle", "--hex", "9500000000000000");
        assertEquals(1, order.exit());
        assertEquals("bpf4j disasm: --order middle unknown: expected host, little or big\n", order.err());
    }
}
