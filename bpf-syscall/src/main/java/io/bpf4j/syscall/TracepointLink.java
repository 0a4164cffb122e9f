package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * A {@code TRACEPOINT} program attached to {@code category/name}: the tracepoint id from tracefs,
 * a {@code PERF_TYPE_TRACEPOINT} perf event (pid -1, CPU 0: a tracepoint event fires the program
 * on every CPU), then a perf link.
 *
 * <pre>{@code
 * try (BpfLink l = prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec"))) { ... }
 * prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec"), TracepointLink.Options.cookie(7));
 * }</pre>
 */
public final class TracepointLink extends PerfBackedLink {
    /** {@code PERF_TYPE_TRACEPOINT}. */
    static final int PERF_TYPE_TRACEPOINT = 2;

    /**
     * Options of a tracepoint attachment.
     *
     * @param cookie the value {@code bpf_get_attach_cookie()} returns in the program (0: none; Linux 5.15+)
     */
    public record Options(long cookie) implements LinkOptions {
        /** No options. */
        public static final Options NONE = new Options(0);

        /** With a BPF cookie. */
        public static Options cookie(long cookie) {
            return new Options(cookie);
        }
    }

    private TracepointLink(Kernel kernel, Attached attached, AttachPoint target, String attachedTo, String description) {
        super(kernel, attached, target, attachedTo, null, description, null);
    }

    static TracepointLink attach(BpfProgram prog, AttachPoint.Tracepoint tp, Options options) {
        Kernel kernel = prog.kernel();
        int id = Tracefs.tracepointId(kernel, tp.category(), tp.name());
        String attachedTo = "tracepoint " + tp.category() + "/" + tp.name() + " (id " + id + ")";
        String description = attachedTo + " <- " + prog;
        Attached a = attach(kernel, prog.fd(), new int[] {openEvent(kernel, id, description, null)}, options.cookie(),
                description, null);
        return new TracepointLink(kernel, a, tp, attachedTo, description);
    }

    /** Opens the perf event of tracepoint {@code id}; runs {@code cleanup} if that fails. */
    static int openEvent(Kernel kernel, int id, String description, Runnable cleanup) {
        try {
            return kernel.perfEventOpen(new Kernel.PerfEventAttr(PERF_TYPE_TRACEPOINT, id, 1, 0, 0, 1, null, 0, 0),
                    -1, 0, -1, Kernel.PERF_FLAG_FD_CLOEXEC);
        } catch (BpfException e) {
            if (cleanup != null) {
                cleanup.run();
            }
            String hint = e.errno() == Errno.EINVAL ? "the kernel rejected perf_event_attr.config (tracepoint id " + id
                    + ") or its sample settings" : e.errno() == Errno.ENOENT ? "no tracepoint with id " + id : e.hint();
            throw new BpfException("perf_event_open (" + description + ")", e.errno(), hint, e);
        }
    }
}
