package io.bpf4j.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import org.junit.jupiter.api.Test;

/**
 * Offsets from struct pt_regs in the kernel's arch/x86/include/asm/ptrace.h (21 unsigned longs:
 * r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss), as listed in
 * DESIGN.md; arguments in the System V order di, si, dx, cx, r8, r9.
 */
class X86_64Test {
    private final Architecture x86 = new X86_64();

    @Test
    void argumentsFollowTheSystemVRegisterOrder() {
        assertEquals(6, x86.argRegisterCount());
        int[] expected = {112, 104, 96, 88, 72, 64};   // di, si, dx, cx, r8, r9
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], x86.argOffset(i), "argument " + i);
        }
    }

    @Test
    void returnStackFrameAndInstructionPointerOffsets() {
        assertEquals(80, x86.returnValueOffset());          // ax
        assertEquals(152, x86.stackPointerOffset());        // sp
        assertEquals(32, x86.framePointerOffset());         // bp
        assertEquals(128, x86.instructionPointerOffset());  // ip
    }

    @Test
    void syscallWrappersArePrefixedX64Sys() {
        assertEquals("__x64_sys_", x86.syscallPrefix());
        assertEquals("__x64_sys_execve", x86.syscallFunction("execve"));
    }

    @Test
    void argumentBeyondSixIsRejectedNamingTheArchitecture() {
        assertEquals("argument 6 is not passed in a register on x86_64: expected 0..5",
                assertThrows(IllegalArgumentException.class, () -> x86.argOffset(6)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> x86.argOffset(-1));
    }

    @Test
    void foundByServiceLoaderUnderEveryAlias() {
        assertTrue(x86.aliases().containsAll(java.util.Set.of("amd64", "x86_64")));
        for (String alias : new String[] {"amd64", "x86_64", "AMD64", "x86-64"}) {
            Architecture a = Architectures.byName(alias).orElseThrow(() -> new AssertionError(alias));
            assertSame(X86_64.class, a.getClass(), alias);
        }
        assertTrue(Architectures.available().stream().anyMatch(a -> a instanceof X86_64));
    }
}
