package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random valid programs through every path: program → bytes → program, and bytes → text →
 * bytes, in both byte orders. The seed is printed; {@code -Dbpf4j.seed=N} replays a run.
 */
class RoundTripPropertyTest {
    private static final int PROGRAMS = 10_000;

    @Test
    void randomProgramsSurviveBytesTextBytesAndProgramBytesProgram() {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("RoundTripPropertyTest seed: " + seed + " (replay with -Dbpf4j.seed=" + seed + ")");
        RandomPrograms gen = new RandomPrograms(seed);
        for (int p = 0; p < PROGRAMS; p++) {
            List<Instruction> insns = gen.program(24);
            ByteOrder order = p % 2 == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            String context = "program " + p + " of seed " + seed + " (" + order + ")";
            byte[] bytes = Program.of(insns).assemble(order);
            assertEquals(insns, InstructionCodec.decode(bytes, order), context + ": program -> bytes -> program");
            String text = Disassembler.disassemble(bytes, order);
            // random programs break Lint rules (r10 written, shifts beyond the width): allowed here
            assertArrayEquals(bytes, TextAssembler.assemble(text, order, TextAssembler.Options.DEFAULT.allowAll()).bytecode(),
                    () -> context + ": bytes -> text -> bytes\n" + text);
        }
    }
}
