package io.bpf4j.kprobe;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.core.attach.AttachPoint;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every probe builder shares: the target architecture (the host's unless given), the register
 * that keeps the context pointer (r9 unless given), the program name and the body. Subclasses add
 * the prologue; {@link #build()} puts prologue and body together.
 *
 * <pre>{@code
 * ProbeProgram p = Kprobe.entry("vfs_read")
 *         .arch(Architectures.byName("arm64").orElseThrow())
 *         .context(Reg.R6)
 *         .name("count_reads")
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 *
 * @param <B> the concrete builder, returned by every setter
 */
@EmitsInstructions
public abstract class ProbeBuilder<B extends ProbeBuilder<B>> {
    final AttachPoint target;
    Architecture arch;
    Reg context = Reg.R9;
    String name;
    private Consumer<ProgramBuilder> body;

    ProbeBuilder(AttachPoint target, String defaultName) {
        this.target = target;
        this.name = Names.programNameFor(defaultName);
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /** Builds for {@code arch} instead of the host's architecture. */
    public B arch(Architecture arch) {
        if (arch == null) {
            throw new IllegalArgumentException("architecture missing: use Architectures.current() for the host's");
        }
        this.arch = arch;
        return self();
    }

    /** The register that keeps the context pointer (default r9; r6..r9 survive helper calls). */
    public B context(Reg ctxReg) {
        Prologue.checkContext(ctxReg);
        this.context = ctxReg;
        return self();
    }

    /** The program name the kernel shows ({@code bpftool prog}): at most 15 letters, digits, '_' or '.'. */
    public B name(String name) {
        this.name = Names.checkProgramName(name);
        return self();
    }

    /** The body: appended after the prologue. It must end the program ({@code exit}). */
    public B body(Consumer<ProgramBuilder> body) {
        if (body == null) {
            throw new IllegalArgumentException("body missing");
        }
        this.body = body;
        return self();
    }

    /** The body as a fragment (labels included). */
    public B body(List<? extends Instruction> fragment) {
        if (fragment == null) {
            throw new IllegalArgumentException("body missing");
        }
        List<Instruction> copy = List.copyOf(fragment);
        return body(b -> b.append(copy));
    }

    /** The body as a program (labels included). */
    public B body(Program program) {
        if (program == null) {
            throw new IllegalArgumentException("body missing");
        }
        return body(program.instructions());
    }

    /** The host's architecture plugin, or null when none is on the path. */
    private static Architecture hostIfAny() {
        try {
            return Architectures.current();
        } catch (IllegalStateException noPlugin) {
            return null;
        }
    }

    /** The architecture this builder targets: the one given, or the host's. */
    public Architecture architecture() {
        return arch != null ? arch : Architectures.current();
    }

    /** The prologue for {@code arch} (null for a builder that {@link #readsRegisters() reads no pt_regs}). */
    abstract List<Instruction> prologue(Architecture arch);

    /**
     * True when the program reads {@code pt_regs} and so needs an architecture plugin; a
     * tracepoint program reads its record by the offsets of its format file and needs none.
     */
    boolean readsRegisters() {
        return true;
    }

    /**
     * The program: prologue, then body.
     *
     * @throws IllegalArgumentException when the body is missing or registers clash
     * @throws IllegalStateException when no architecture was given, the program reads {@code pt_regs}
     *     and the host's architecture has no plugin
     */
    public ProbeProgram build() {
        if (body == null) {
            throw new IllegalArgumentException(target + ": body missing (.body(b -> ...))");
        }
        Architecture a = arch != null || readsRegisters() ? architecture() : hostIfAny();
        ProgramBuilder b = Program.builder();
        b.append(prologue(a));
        body.accept(b);
        if (b.size() == 0) {
            throw new IllegalArgumentException(target + ": the program is empty");
        }
        return new ProbeProgram(name, target, b.build(), a);
    }
}
