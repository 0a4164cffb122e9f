package io.bpf4j.kprobe;

import io.bpf4j.core.Program;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.attach.AttachKind;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachableProgram;

/**
 * A probe program ready to load: the instructions, where it attaches (which decides the kernel
 * program type), the name to load it under and the architecture it was built for. Built by
 * {@link Kprobe}, {@link Uprobe}, {@link SyscallProbe}, {@link TracepointProbe} and
 * {@link RawTracepointProbe}; bpf-syscall loads it with {@code ProgramSpec.of(probe)} and
 * attaches it with {@code BpfProgram.attach()}.
 *
 * <pre>{@code
 * ProbeProgram p = Kprobe.entry("do_execveat_common").args(Reg.R7)
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * p.target();                 // kprobe:do_execveat_common
 * p.target().programType();   // KPROBE
 * byte[] code = p.program().assemble();
 * }</pre>
 *
 * @param name program name for the kernel (at most 15 characters)
 * @param target where to attach
 * @param program the instructions, prologue included
 * @param architecture the architecture whose {@code pt_regs} layout the prologue assumes; null only for
 *     a tracepoint program built where no architecture plugin is on the path (it reads no pt_regs)
 */
public record ProbeProgram(String name, AttachPoint target, Program program, Architecture architecture)
        implements AttachableProgram {
    public ProbeProgram {
        Names.checkProgramName(name);
        if (target == null || program == null) {
            throw new IllegalArgumentException("probe program '" + name + "': target and program are required");
        }
        if (architecture == null && target.kind() != AttachKind.TRACEPOINT) {
            throw new IllegalArgumentException("probe program '" + name + "' at " + target
                    + ": an architecture is required (its prologue reads pt_regs)");
        }
    }

    /** The kind of probe: {@code target().kind()}. */
    public AttachKind kind() {
        return target.kind();
    }

    /** The bytecode in the host's byte order. */
    public byte[] bytecode() {
        return program.assemble();
    }

    @Override
    public String toString() {
        return "ProbeProgram[" + name + " at " + target + ", " + (architecture == null ? "any architecture"
                : architecture.name()) + ", " + program + "]";
    }
}
