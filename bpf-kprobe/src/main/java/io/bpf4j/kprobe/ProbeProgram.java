package io.bpf4j.kprobe;

import io.bpf4j.core.Program;
import io.bpf4j.core.arch.Architecture;

/**
 * A probe program ready to load: the instructions, the kind of probe (which decides the kernel
 * program type), where it attaches, the name to load it under and the architecture it was built
 * for. Built by {@link Kprobe}, {@link Uprobe}, {@link SyscallProbe}, {@link TracepointProbe} and
 * {@link RawTracepointProbe}.
 *
 * <pre>{@code
 * ProbeProgram p = Kprobe.entry("do_execveat_common").args(Reg.R7)
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * p.kind().programType();   // 2 (BPF_PROG_TYPE_KPROBE)
 * p.target();               // kprobe:do_execveat_common
 * byte[] code = p.program().assemble();
 * }</pre>
 *
 * @param name program name for the kernel (at most 15 characters)
 * @param kind kprobe, uprobe, tracepoint, ...
 * @param target where to attach
 * @param program the instructions, prologue included
 * @param architecture the architecture whose {@code pt_regs} layout the prologue assumes
 */
public record ProbeProgram(String name, ProbeKind kind, AttachPoint target, Program program, Architecture architecture) {
    public ProbeProgram {
        Names.checkProgramName(name);
        if (kind == null || target == null || program == null || architecture == null) {
            throw new IllegalArgumentException("probe program '" + name + "': kind, target, program and architecture are all required");
        }
        boolean kernelFn = target instanceof AttachPoint.KernelFunction;
        boolean userFn = target instanceof AttachPoint.UserFunction;
        boolean fits;
        switch (kind) {
            case KPROBE:
            case KRETPROBE:
                fits = kernelFn;
                break;
            case UPROBE:
            case URETPROBE:
                fits = userFn;
                break;
            case TRACEPOINT:
                fits = target instanceof AttachPoint.Tracepoint;
                break;
            case RAW_TRACEPOINT:
                fits = target instanceof AttachPoint.RawTracepoint;
                break;
            default:
                throw new IllegalArgumentException("probe kind " + kind + " unknown");
        }
        if (!fits) {
            throw new IllegalArgumentException("probe program '" + name + "': a " + kind + " cannot attach to " + target);
        }
    }

    /** The bytecode in the host's byte order. */
    public byte[] bytecode() {
        return program.assemble();
    }

    @Override
    public String toString() {
        return "ProbeProgram[" + name + ", " + kind + " at " + target + ", " + architecture.name() + ", " + program + "]";
    }
}
