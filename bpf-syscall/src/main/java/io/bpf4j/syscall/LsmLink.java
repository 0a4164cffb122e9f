package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * An {@code LSM} program on a security hook through the BPF LSM: the program runs where the
 * kernel asks its security modules (before an exec, a file open, ...) and refuses the
 * operation by returning a negative errno ({@code -EPERM} = -1). Needs {@code CONFIG_BPF_LSM}
 * and {@code bpf} in the {@code lsm=} list; where the BPF LSM is not active, attaching fails
 * with EOPNOTSUPP saying so (its hooks would never run).
 *
 * <pre>{@code
 * AttachPoint at = AttachPoint.lsm("bprm_check_security");
 * try (BpfProgram p = BpfProgram.load(ProgramSpec.of("guard", program, at).license("GPL"));
 *      BpfLink l = p.attach(at)) { ... }   // execs the program refuses fail with EPERM
 * }</pre>
 */
public final class LsmLink extends FdLink {
    private LsmLink(Kernel kernel, int fd, AttachPoint.LsmHook target, String description) {
        super(kernel, fd, true, target, "lsm " + target.hook() + " (" + target.btfFunction() + ")", target.btfFunction(),
                description);
    }

    static LsmLink attach(BpfProgram prog, AttachPoint.LsmHook point) {
        Trampolines.requireBpfLsm(prog.kernel(), point);
        int fd = TracingLink.open(prog, point);
        return new LsmLink(prog.kernel(), fd, point, point + " <- " + prog);
    }
}
