package io.bpf4j.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import org.junit.jupiter.api.Test;

/**
 * Offsets from struct user_pt_regs at the start of struct pt_regs in the kernel's
 * arch/arm64/include/asm/ptrace.h (u64 regs[31]; sp; pc; pstate), as listed in DESIGN.md.
 */
class Arm64Test {
    private final Architecture arm = new Arm64();

    @Test
    void argumentsAreX0ToX7() {
        assertEquals(8, arm.argRegisterCount());
        for (int i = 0; i < 8; i++) {
            assertEquals(i * 8, arm.argOffset(i), "argument " + i);
        }
    }

    @Test
    void returnStackFrameAndInstructionPointerOffsets() {
        assertEquals(0, arm.returnValueOffset());           // regs[0]
        assertEquals(232, arm.framePointerOffset());        // regs[29]
        assertEquals(248, arm.stackPointerOffset());        // sp
        assertEquals(256, arm.instructionPointerOffset());  // pc
    }

    @Test
    void syscallWrappersArePrefixedArm64Sys() {
        assertEquals("__arm64_sys_openat", arm.syscallFunction("openat"));
    }

    @Test
    void argumentBeyondEightIsRejectedNamingTheArchitecture() {
        assertEquals("argument 8 is not passed in a register on arm64: expected 0..7",
                assertThrows(IllegalArgumentException.class, () -> arm.argOffset(8)).getMessage());
    }

    @Test
    void foundByServiceLoaderUnderEveryAlias() {
        for (String alias : new String[] {"aarch64", "arm64", "AArch64"}) {
            Architecture a = Architectures.byName(alias).orElseThrow(() -> new AssertionError(alias));
            assertSame(Arm64.class, a.getClass(), alias);
        }
    }
}
