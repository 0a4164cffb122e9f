package io.bpf4j.arch.x86;

import io.bpf4j.core.arch.Architecture;
import java.util.Set;

/**
 * x86_64: {@code struct pt_regs} from {@code arch/x86/include/asm/ptrace.h} (21 u64 slots:
 * r15 0, r14 8, r13 16, r12 24, bp 32, bx 40, r11 48, r10 56, r9 64, r8 72, ax 80, cx 88, dx 96,
 * si 104, di 112, orig_ax 120, ip 128, cs 136, flags 144, sp 152, ss 160). The System V ABI passes
 * arguments in di, si, dx, cx, r8, r9; system calls pass them in di, si, dx, r10, r8, r9 (the
 * {@code syscall} instruction overwrites cx with the return address).
 *
 * <pre>{@code
 * Architecture x86 = Architectures.byName("amd64").orElseThrow();
 * x86.argOffset(1);   // 104 (si)
 * }</pre>
 */
public final class X86_64 implements Architecture {
    private static final int[] ARGS = {112, 104, 96, 88, 72, 64};
    private static final int[] SYSCALL_ARGS = {112, 104, 96, 56, 72, 64};

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("x86_64", "amd64", "x64", "x86-64");
    }

    @Override
    public int argRegisterCount() {
        return ARGS.length;
    }

    @Override
    public int argOffset(int index) {
        checkArgIndex(index);
        return ARGS[index];
    }

    @Override
    public int syscallArgOffset(int index) {
        if (index < 0 || index >= SYSCALL_ARGS.length) {
            throw new IllegalArgumentException("system call argument " + index + " does not exist on x86_64: expected 0.."
                    + (SYSCALL_ARGS.length - 1));
        }
        return SYSCALL_ARGS[index];
    }

    @Override
    public int returnValueOffset() {
        return 80;
    }

    @Override
    public int stackPointerOffset() {
        return 152;
    }

    @Override
    public int framePointerOffset() {
        return 32;
    }

    @Override
    public int instructionPointerOffset() {
        return 128;
    }

    @Override
    public String syscallPrefix() {
        return "__x64_sys_";
    }

    @Override
    public String toString() {
        return name();
    }
}
