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

    /** Every program of the test classes, as a portable compile of it: none may hold a cpu v4 instruction. */
    @Test
    void portableProgramsHoldNoCpuV4Instruction() {
        int programs = 0;
        for (Class<?> c : List.of(Programs.class, Semantics.class, EdgeCases.class, Reserved.class, CodeShapeTest.class)) {
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (!java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1
                        || !RawContext.class.isAssignableFrom(m.getParameterTypes()[0]) && m.getParameterTypes()[0] != XdpContext.class
                        && m.getParameterTypes()[0] != PtRegs.class) {
                    continue;
                }
                CompiledProgram p;
                try {
                    p = BpfCompiler.create().compile(c, m.getName());
                } catch (CompileException e) {
                    continue;                                  // refused on purpose (signedDivision, ...)
                }
                programs++;
                for (io.bpf4j.core.Instruction in : p.program().instructions()) {
                    String t = Disassembler.format(in);
                    // The verifier's syntax marks each cpu v4 form: (s8|s16|s32) casts and loads, s/ and s%,
                    // bswap, gotol, may_goto.
                    assertTrue(!t.matches(".*\\(s(8|16|32)\\).*|.*\\*\\(s(8|16|32) \\*\\).*|.* s[/%]= .*|.*bswap.*|gotol.*|may_goto.*"),
                            c.getSimpleName() + "." + m.getName() + ": " + t + "\n" + p.listing());
                }
            }
        }
        assertTrue(programs >= 20, programs + " programs");
    }

    @Test
    void cpuV4CastsAnIntToLongInOneMovsxAndDividesSigned() {
        CompiledProgram v4 = BpfCompiler.create().target(Target.CPU_V4).compile(Semantics.class, "signedDivision");
        List<String> t = text(v4);
        assertTrue(t.stream().anyMatch(x -> x.matches("r\\d = \\(s32\\)r\\d")), v4.listing());
        assertTrue(t.stream().anyMatch(x -> x.contains(" s/= ")), v4.listing());
        assertTrue(t.stream().anyMatch(x -> x.contains(" s%= ")), v4.listing());
        CompileException e = org.junit.jupiter.api.Assertions.assertThrows(CompileException.class,
                () -> BpfCompiler.create().compile(Semantics.class, "signedDivision"));
        assertTrue(e.getMessage().contains("BpfCompiler.target(Target.CPU_V4)"), e.getMessage());
    }
}
