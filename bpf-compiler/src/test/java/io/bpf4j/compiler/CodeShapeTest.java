package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Disassembler;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the compiler emits for small methods: folded constants, registers by liveness, spills. */
class CodeShapeTest {
    static final int SHIFT = 4;

    static int constants(SyscallContext ctx) {
        int k = 3 * 4 + (1 << SHIFT);
        long big = 1L << 40;
        return k + (int) (big >>> 38);
    }

    static int twoValues(SyscallContext ctx) {
        long a = ctx.u64(0);
        long b = ctx.u64(8);
        return (int) (a + b);
    }

    private static List<String> text(CompiledProgram p) {
        return p.program().instructions().stream().map(Disassembler::format).collect(Collectors.toList());
    }

    @Test
    void constantExpressionsAreFoldedAtCompileTime() {
        CompiledProgram p = BpfCompiler.create().compile(CodeShapeTest.class, "constants");
        assertEquals(List.of("r0 = 32", "exit"), text(p), p.listing());
    }

    @Test
    void valuesNotLiveAcrossCallsStayInScratchRegistersAndNeedNoStack() {
        CompiledProgram p = BpfCompiler.create().compile(CodeShapeTest.class, "twoValues");
        assertEquals(0, p.stackBytes(), p.listing());
        assertTrue(p.program().slotCount() <= 6, p.listing());
    }

    @Test
    void moreValuesLiveAcrossCallsThanCalleeSavedRegistersAreSpilled() {
        CompiledProgram p = BpfCompiler.create().compile(Semantics.class, "spills");
        assertTrue(p.stackBytes() >= 8, p.listing());
        assertTrue(text(p).stream().anyMatch(s -> s.startsWith("*(u64 *)(r10 -")), p.listing());
        for (String r : List.of("r6", "r7", "r8", "r9")) {
            assertTrue(text(p).stream().anyMatch(s -> s.contains(r)), r + " unused:\n" + p.listing());
        }
    }

    @Test
    void everyInstructionKnowsItsJavaLine() {
        CompiledProgram p = BpfCompiler.create().compile(CodeShapeTest.class, "twoValues");
        for (int i = 0; i < p.program().instructions().size(); i++) {
            int line = p.lineOf(i);
            assertTrue(line >= 22 && line <= 24, "instruction " + i + " at line " + line + "\n" + p.listing());
            assertEquals("CodeShapeTest.java", p.program().sourcePosition(i).orElseThrow().file());
        }
    }
}
