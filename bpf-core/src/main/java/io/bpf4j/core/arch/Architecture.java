package io.bpf4j.core.arch;

import java.util.Set;

/**
 * What BPF code needs to know about a CPU architecture: where the kernel's {@code struct pt_regs}
 * keeps function arguments, the return value and the stack, frame and instruction pointers, and how
 * syscall wrappers are named. One implementation per architecture, found with
 * {@link java.util.ServiceLoader} through {@link Architectures}.
 *
 * <p>Writing a plugin (riscv64 as an example): one class implementing this interface, plus
 * {@code provides io.bpf4j.core.arch.Architecture with my.Riscv64;} in its {@code module-info.java}
 * and the class name in {@code META-INF/services/io.bpf4j.core.arch.Architecture} for class-path
 * users. No other module changes.
 *
 * <pre>{@code
 * Architecture arch = Architectures.current();
 * int off = arch.argOffset(0);         // 112 on x86_64 (di), 0 on arm64 (regs[0])
 * String sys = arch.syscallPrefix();   // "__x64_sys_"
 * }</pre>
 */
public interface Architecture {
    /** The canonical name: {@code x86_64}, {@code arm64}. */
    String name();

    /** Values of {@code os.arch} (and other spellings) that mean this architecture. */
    Set<String> aliases();

    /** How many function arguments the calling convention passes in registers. */
    int argRegisterCount();

    /**
     * Byte offset in {@code struct pt_regs} of function argument {@code index}.
     *
     * @throws IllegalArgumentException naming the architecture and its limit when {@code index}
     *         is beyond {@link #argRegisterCount()}
     */
    int argOffset(int index);

    /** Byte offset of the return value register. */
    int returnValueOffset();

    /** Byte offset of the stack pointer. */
    int stackPointerOffset();

    /** Byte offset of the frame pointer. */
    int framePointerOffset();

    /** Byte offset of the instruction pointer. */
    int instructionPointerOffset();

    /** Prefix of syscall wrapper functions: {@code __x64_sys_}, {@code __arm64_sys_}. */
    String syscallPrefix();

    /** The kernel function behind a syscall name: {@code syscallFunction("execve")} is {@code __x64_sys_execve}. */
    default String syscallFunction(String syscall) {
        return syscallPrefix() + syscall;
    }

    /**
     * How many arguments a system call takes at most: 6 on every Linux architecture (fewer only
     * if the plugin passes fewer function arguments in registers).
     */
    default int syscallArgCount() {
        return Math.min(6, argRegisterCount());
    }

    /**
     * Byte offset of system call argument {@code index} in the user {@code struct pt_regs} that a
     * syscall wrapper ({@link #syscallFunction}) receives. The default is {@link #argOffset}: the
     * syscall convention passes arguments where the function convention does, except where a
     * plugin says otherwise (x86_64 passes argument 3 in r10, because {@code syscall} clobbers cx).
     *
     * @throws IllegalArgumentException naming the architecture and its limit
     */
    default int syscallArgOffset(int index) {
        if (index < 0 || index >= syscallArgCount()) {
            throw new IllegalArgumentException("system call argument " + index + " does not exist on " + name()
                    + ": expected 0.." + (syscallArgCount() - 1));
        }
        return argOffset(index);
    }

    /** Checks an argument index against {@link #argRegisterCount()}, with a message naming this architecture. */
    default void checkArgIndex(int index) {
        if (index < 0 || index >= argRegisterCount()) {
            throw new IllegalArgumentException("argument " + index + " is not passed in a register on " + name()
                    + ": expected 0.." + (argRegisterCount() - 1));
        }
    }
}
