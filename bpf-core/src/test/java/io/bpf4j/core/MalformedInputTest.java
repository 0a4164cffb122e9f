package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage in, our own exception out: mutated assembly text only ever raises TextParseException,
 * random bytes only DecodeException, never an exception from deep inside (index out of bounds,
 * number format, null pointer). The seed is printed; {@code -Dbpf4j.seed=N} replays a run.
 */
class MalformedInputTest {
    private static final String ALPHABET = "rw0123456789x+-*()[]=<>&|^s:#;/ ,abcdefgklmnopqu_.";

    @Test
    void mutatedTextRaisesOnlyTextParseException() {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("MalformedInputTest text seed: " + seed);
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (String f : new String[] {"llvm-mc-14.golden", "llc-14-atomics.golden", "rfc9669-forms.golden"}) {
            for (String[] row : GoldenEncodingTest.rows(f)) {
                lines.add(row[0]);
            }
        }
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder(lines.get(r.nextInt(lines.size())));
            for (int m = 1 + r.nextInt(3); m > 0; m--) {
                int pos = sb.length() == 0 ? 0 : r.nextInt(sb.length());
                switch (r.nextInt(3)) {
                    case 0: if (sb.length() > 0) { sb.deleteCharAt(pos); } break;
                    case 1: sb.insert(pos, ALPHABET.charAt(r.nextInt(ALPHABET.length()))); break;
                    default: if (sb.length() > 0) { sb.setCharAt(pos, ALPHABET.charAt(r.nextInt(ALPHABET.length()))); }
                }
            }
            String text = sb + "\nexit\n";
            try {
                TextAssembler.parse(text);
            } catch (TextParseException expected) {
                // the only acceptable failure
            } catch (RuntimeException e) {
                fail("seed " + seed + ": '" + sb + "' raised " + e, e);
            }
        }
    }

    @Test
    void randomBytesRaiseOnlyDecodeException() {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("MalformedInputTest bytes seed: " + seed);
        Random r = new Random(seed);
        int[] opcodes = {0x18, 0xb7, 0xbf, 0xc3, 0xdb, 0x85, 0x95, 0x05, 0x06, 0xe5, 0x20, 0x40, 0x62, 0x79, 0x91, 0xd4, 0xd7};
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = (byte) opcodes[r.nextInt(opcodes.length)];
            }
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                try {
                    List<Instruction> insns = InstructionCodec.decode(b, order);
                    for (Instruction in : insns) {
                        Disassembler.format(in);
                    }
                } catch (DecodeException expected) {
                    // the only acceptable failure
                } catch (RuntimeException e) {
                    fail("seed " + seed + ": " + HexFormat.of().formatHex(b) + " (" + order + ") raised " + e, e);
                }
            }
        }
    }
}
