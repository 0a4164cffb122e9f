package io.bpf4j.kprobe;

import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;

/** Loads a {@link ProbeProgram} through bpf-syscall with the program type its kind asks for. */
final class Loading {
    private Loading() {
    }

    static ProgramSpec spec(ProbeProgram p) {
        switch (p.kind()) {
            case KPROBE:
            case KRETPROBE:
            case UPROBE:
            case URETPROBE:
                return ProgramSpec.kprobe(p.name(), p.program()).license("GPL");
            case TRACEPOINT:
                return ProgramSpec.tracepoint(p.name(), p.program()).license("GPL");
            case RAW_TRACEPOINT:
                return ProgramSpec.rawTracepoint(p.name(), p.program()).license("GPL");
            default:
                throw new IllegalArgumentException("unknown kind " + p.kind());
        }
    }

    static BpfProgram load(ProbeProgram p) {
        BpfProgram loaded = BpfProgram.load(spec(p));
        if (loaded.type().code() != p.kind().programType()) {
            loaded.close();
            throw new AssertionError(p + " loaded as " + loaded.type() + ", expected type " + p.kind().programType());
        }
        return loaded;
    }
}
