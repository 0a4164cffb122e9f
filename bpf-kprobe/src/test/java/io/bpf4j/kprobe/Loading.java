package io.bpf4j.kprobe;

import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.UprobeTarget;

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

    /** Attaches {@code prog} where {@code p} says, with the call its kind asks for. */
    static BpfLink attach(BpfProgram prog, ProbeProgram p) {
        AttachPoint at = p.target();
        if (at instanceof AttachPoint.KernelFunction) {
            String fn = ((AttachPoint.KernelFunction) at).function();
            return p.kind().isReturn() ? prog.attachKretprobe(fn) : prog.attachKprobe(fn);
        }
        if (at instanceof AttachPoint.UserFunction) {
            AttachPoint.UserFunction u = (AttachPoint.UserFunction) at;
            UprobeTarget t = u.symbol() == null ? UprobeTarget.atOffset(u.binary(), u.offset())
                    : UprobeTarget.of(u.binary(), u.symbol()).plus(u.offset());
            return p.kind().isReturn() ? prog.attachUretprobe(t) : prog.attachUprobe(t);
        }
        if (at instanceof AttachPoint.Tracepoint) {
            AttachPoint.Tracepoint t = (AttachPoint.Tracepoint) at;
            return prog.attachTracepoint(t.category(), t.name());
        }
        return prog.attachRawTracepoint(((AttachPoint.RawTracepoint) at).name());
    }
}
