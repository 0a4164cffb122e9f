package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import java.util.List;

/**
 * A {@code TRACING} program on a kernel function through a BPF trampoline: {@code fentry} runs
 * at the entry with the arguments, {@code fexit} at the return with the arguments and the
 * return value (the context is an array of u64s). The program is loaded with the function's
 * BTF id ({@link ProgramSpec#of(String, io.bpf4j.core.Program, AttachPoint)} looks it up in
 * vmlinux BTF); attaching opens the link with {@code BPF_RAW_TRACEPOINT_OPEN} (Linux 5.5+).
 *
 * <pre>{@code
 * AttachPoint at = AttachPoint.fentry("do_nanosleep");
 * int t = TracingLink.argumentIndex(at, "t");          // read it at r1 + 8 * t
 * try (BpfProgram p = BpfProgram.load(ProgramSpec.of("sleep", program, at).license("GPL"));
 *      BpfLink l = p.attach(at)) { ... }
 * }</pre>
 */
public final class TracingLink extends FdLink {
    private TracingLink(Kernel kernel, int fd, AttachPoint.TracingFunction target, String description) {
        super(kernel, fd, true, target, (target.isReturn() ? "fexit " : "fentry ") + target.function(), target.function(),
                description);
    }

    static TracingLink attach(BpfProgram prog, AttachPoint.TracingFunction point) {
        int fd = open(prog, point);
        return new TracingLink(prog.kernel(), fd, point, point + " <- " + prog);
    }

    /** Opens the trampoline link of a program loaded with its attach_btf_id. */
    static int open(BpfProgram prog, AttachPoint point) {
        try {
            return prog.kernel().rawTracepointOpen(null, prog.fd());
        } catch (BpfException e) {
            throw new BpfException("BPF_RAW_TRACEPOINT_OPEN (" + point + " <- " + prog + ")", e.errno(),
                    e.errno() == Errno.EPERM ? Trampolines.whyRefused(prog.kernel()) : e.errno() == Errno.EINVAL
                            ? "the program was not loaded for this point (load it with ProgramSpec.of(name, program, point))"
                            : e.hint(), e);
        }
    }

    /**
     * The parameter names of a kernel function from vmlinux BTF, in order: argument {@code i} is the
     * u64 at {@code ctx + 8 * i} of an fentry or fexit program (fexit's return value follows them).
     */
    public static List<String> parameters(AttachPoint.TracingFunction point) {
        return Trampolines.function(Kernel.system(), point.function(), point).params();
    }

    /** The index of parameter {@code name} of the point's function (read it at {@code ctx + 8 * index}). */
    public static int argumentIndex(AttachPoint.TracingFunction point, String name) {
        List<String> params = parameters(point);
        int i = params.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(point.function() + " has no parameter '" + name + "': it has " + params);
        }
        return i;
    }
}
