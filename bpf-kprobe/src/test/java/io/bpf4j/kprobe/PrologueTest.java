package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.CallInsn;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrologueTest {
    static final Architecture X86 = Architectures.byName("x86_64").orElseThrow();
    static final Architecture ARM64 = Architectures.byName("arm64").orElseThrow();

    static AluInsn mov(Reg dst, Reg src) {
        return new AluInsn(AluOp.MOV, true, dst, src, 0);
    }

    static LoadInsn ldxdw(Reg dst, Reg src, int off) {
        return new LoadInsn(Size.DW, false, dst, src, off);
    }

    @Test
    void labPrologueIsOneMovAndOneLoad() {
        List<Instruction> p = Prologue.of(X86, Reg.R9, Reg.R7);
        assertEquals(2, p.size());
        // pt_regs offsets: di at 112 (arch/x86/include/asm/ptrace.h), regs[0] at 0 (arm64)
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R7, Reg.R9, 112)), p);
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R7, Reg.R9, 0)), Prologue.of(ARM64, Reg.R9, Reg.R7));
    }

    @Test
    void hostPrologueUsesTheHostPlugin() {
        Architecture host = Architectures.current();
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R7, Reg.R9, host.argOffset(0))), Prologue.of(Reg.R9, Reg.R7));
    }

    @Test
    void loadsEveryRegisterArgumentAtThePluginsOffset() {
        for (Architecture a : List.of(X86, ARM64)) {
            Reg[] regs = new Reg[a.argRegisterCount()];
            for (int i = 0; i < regs.length; i++) {
                regs[i] = Reg.of(i + 1);
            }
            List<Instruction> p = Prologue.of(a, Reg.R9, regs);
            assertEquals(1 + regs.length, p.size(), a.name());
            for (int i = 0; i < regs.length; i++) {
                assertEquals(ldxdw(regs[i], Reg.R9, a.argOffset(i)), p.get(i + 1), a.name() + " argument " + i);
            }
        }
    }

    @Test
    void contextInR1NeedsNoMove() {
        assertEquals(List.of(ldxdw(Reg.R7, Reg.R1, 104)), Prologue.of(X86, Reg.R1, Map.of(1, Reg.R7)));
    }

    @Test
    void argumentsMayBeChosenByIndex() {
        Map<Integer, Reg> m = new LinkedHashMap<>();
        m.put(4, Reg.R6);
        m.put(1, Reg.R7);
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R6, Reg.R9, 72), ldxdw(Reg.R7, Reg.R9, 104)),
                Prologue.of(X86, Reg.R9, m));
    }

    @Test
    void argumentBeyondRegisterLimitNamesTheArchitectureAndItsLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Prologue.of(X86, Reg.R9, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6, Reg.R7));
        assertTrue(e.getMessage().contains("x86_64") && e.getMessage().contains("6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Prologue.of(ARM64, Reg.R9, Map.of(8, Reg.R1)));
        assertTrue(e.getMessage().contains("arm64") && e.getMessage().contains("0..7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Prologue.of(X86, Reg.R9, Map.of(6, Reg.R1)));
        assertTrue(e.getMessage().contains("x86_64") && e.getMessage().contains("0..5"), e.getMessage());
    }

    @Test
    void clashingRegistersAreRefused() {
        assertMessage("context register", () -> Prologue.of(X86, Reg.R7, Reg.R7));
        assertMessage("r0", () -> Prologue.of(X86, Reg.R9, Reg.R0));
        assertMessage("r0", () -> Prologue.of(X86, Reg.R0, Reg.R7));
        assertMessage("r10", () -> Prologue.of(X86, Reg.R9, Reg.R10));
        assertMessage("r10", () -> Prologue.of(X86, Reg.R10, Reg.R7));
        assertMessage("already used for argument 0", () -> Prologue.of(X86, Reg.R9, Reg.R7, Reg.R7));
        assertMessage("overwrite the pt_regs pointer", () -> Prologue.argsFromR1(X86, Reg.R1, Reg.R2));
        assertMessage("missing", () -> Prologue.of(X86, null, Reg.R7));
        assertMessage("missing", () -> Prologue.of(X86, Reg.R9, (Reg) null));
        assertMessage("context register", () -> Prologue.returnValue(X86, Reg.R6, Reg.R6));
    }

    @Test
    void argumentsFromR1MayEndInR1() {
        assertEquals(List.of(ldxdw(Reg.R2, Reg.R1, 112), ldxdw(Reg.R1, Reg.R1, 104)), Prologue.argsFromR1(X86, Reg.R2, Reg.R1));
    }

    @Test
    void returnValueComesFromThePluginsReturnOffset() {
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R6, Reg.R9, 80)), Prologue.returnValue(X86, Reg.R9, Reg.R6));
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R6, Reg.R9, 0)), Prologue.returnValue(ARM64, Reg.R9, Reg.R6));
    }

    @Test
    void syscallPrologueReadsTheInnerPtRegsInOneCopy() {
        // x86_64 syscall arguments: di 112, si 104, dx 96, r10 56, r8 72, r9 64; span 56..120 = 64 bytes.
        List<Instruction> p = Prologue.syscall(X86, Reg.R9, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6);
        List<Instruction> expected = List.of(
                mov(Reg.R9, Reg.R1),
                ldxdw(Reg.R3, Reg.R9, 112),
                new AluInsn(AluOp.ADD, true, Reg.R3, null, 56),
                mov(Reg.R1, Reg.R10),
                new AluInsn(AluOp.ADD, true, Reg.R1, null, -64),
                new AluInsn(AluOp.MOV, true, Reg.R2, null, 64),
                CallInsn.helper(Helper.PROBE_READ_KERNEL),
                ldxdw(Reg.R1, Reg.R10, -64 + 56),
                ldxdw(Reg.R2, Reg.R10, -64 + 48),
                ldxdw(Reg.R3, Reg.R10, -64 + 40),
                ldxdw(Reg.R4, Reg.R10, -64 + 0),
                ldxdw(Reg.R5, Reg.R10, -64 + 16),
                ldxdw(Reg.R6, Reg.R10, -64 + 8));
        assertEquals(expected, p);
        // arm64: regs[0..5] at 0..40, no offset to add, 48 bytes
        List<Instruction> a = Prologue.syscall(ARM64, Reg.R9, Reg.R7);
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R3, Reg.R9, 0), mov(Reg.R1, Reg.R10),
                new AluInsn(AluOp.ADD, true, Reg.R1, null, -8), new AluInsn(AluOp.MOV, true, Reg.R2, null, 8),
                CallInsn.helper(Helper.PROBE_READ_KERNEL), ldxdw(Reg.R7, Reg.R10, -8)), a);
        assertEquals(14 * 8, Program.builder().append(p).exit().build().assemble().length);
    }

    @Test
    void syscallArgumentThreeIsR10OnX86AndRegs3OnArm64() {
        assertEquals(56, X86.syscallArgOffset(3));
        assertEquals(88, X86.argOffset(3));
        assertEquals(24, ARM64.syscallArgOffset(3));
        assertEquals(6, ARM64.syscallArgCount());
        assertMessage("arm64", () -> ARM64.syscallArgOffset(6));
        assertMessage("x86_64", () -> X86.syscallArgOffset(6));
    }

    @Test
    void syscallPrologueKeepsTheContextOutOfTheCallsReach() {
        assertMessage("r6..r9", () -> Prologue.syscall(X86, Reg.R2, Reg.R7));
        assertEquals(1, Prologue.syscall(X86, Reg.R2).size());
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), "expected '" + part + "' in: " + ex.getMessage());
    }
}
