package io.bpf4j.core.attach;

import io.bpf4j.core.Program;

/**
 * A program that knows where it goes: its name, its instructions and its {@link AttachPoint}.
 * Probe builders (bpf-kprobe) produce them; bpf-syscall makes a load spec from one
 * ({@code ProgramSpec.of(attachable)}: the program type follows from the point) and attaches the
 * loaded program where it says ({@code BpfProgram.attach()}).
 *
 * <pre>{@code
 * AttachableProgram p = TracepointProbe.of("sched", "sched_process_exec").body(b -> b.mov64(R0, 0).exit()).build();
 * p.target().programType();   // TRACEPOINT
 * }</pre>
 */
public interface AttachableProgram {
    /** The name to load the program under (at most 15 characters). */
    String name();

    /** Where the program attaches. */
    AttachPoint target();

    /** The instructions. */
    Program program();
}
