package io.bpf4j.kprobe;

import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;

/** Loads a {@link ProbeProgram} through bpf-syscall with the program type its target asks for. */
final class Loading {
    private Loading() {
    }

    static ProgramSpec spec(ProbeProgram p) {
        return ProgramSpec.of(p).license("GPL");
    }

    static BpfProgram load(ProbeProgram p) {
        BpfProgram loaded = BpfProgram.load(spec(p));
        if (loaded.type() != p.target().programType()) {
            loaded.close();
            throw new AssertionError(p + " loaded as " + loaded.type() + ", expected type " + p.target().programType());
        }
        return loaded;
    }

    /** Attaches {@code prog} where {@code p} says. */
    static BpfLink attach(BpfProgram prog, ProbeProgram p) {
        return prog.attach(p.target());
    }
}
