package io.bpf4j.compiler;

/**
 * The instruction set a compiled program may use. The default, {@link #PORTABLE}, is what Linux
 * 6.1 verifies; {@link #CPU_V4} adds what Linux 6.6 brought. The compiler makes no system call, so
 * it cannot ask: the loader asks the kernel (bpf-syscall's {@code Features.hasInstructionSetV4()})
 * and picks, never by kernel version.
 *
 * <pre>{@code
 * Target t = Features.system().hasInstructionSetV4() ? Target.CPU_V4 : Target.PORTABLE;
 * CompiledProgram p = BpfCompiler.create().target(t).compile(MyProbe.class, "onExec");
 * }</pre>
 */
public enum Target {
    /**
     * No cpu v4 instruction: a cast of an int to long is a shift pair rather than {@code movsx},
     * signed division is refused, and a jump beyond 16 bits (which would need {@code gotol}) is
     * refused at compile time.
     */
    PORTABLE,
    /**
     * cpu v4 (Linux 6.6): {@code (long) i} is one {@code movsx}, and {@code /} and {@code %} by a
     * non-zero constant are {@code sdiv}/{@code smod} (Java's rounding toward zero, and its
     * {@code MIN_VALUE / -1}).
     */
    CPU_V4
}
