package io.bpf4j.syscall;

/**
 * Attaches a {@code TRACEPOINT} program to {@code category/name}: the tracepoint id from tracefs,
 * a {@code PERF_TYPE_TRACEPOINT} perf event (pid -1, CPU 0: a tracepoint event fires the program
 * on every CPU), then a perf link.
 */
final class TracepointLink {
    /** {@code PERF_TYPE_TRACEPOINT}. */
    static final int PERF_TYPE_TRACEPOINT = 2;

    private TracepointLink() {
    }

    static BpfLink attach(BpfProgram prog, String category, String name) {
        Kernel kernel = prog.kernel();
        Tracefs.checkEventName("tracepoint category", category);
        Tracefs.checkEventName("tracepoint name", name);
        int progFd = prog.fd();
        int id = Tracefs.tracepointId(category, name);
        return open(kernel, progFd, id, "tracepoint " + category + "/" + name + " <- " + prog, null);
    }

    /** Opens the perf event for tracepoint {@code id} and links the program; runs {@code cleanup} at close. */
    static BpfLink open(Kernel kernel, int progFd, int id, String description, Runnable cleanup) {
        int pfd;
        try {
            pfd = kernel.perfEventOpen(new Kernel.PerfEventAttr(PERF_TYPE_TRACEPOINT, id, 1, 0, 0, 1, null, 0, 0),
                    -1, 0, -1, Kernel.PERF_FLAG_FD_CLOEXEC);
        } catch (BpfException e) {
            if (cleanup != null) {
                cleanup.run();
            }
            String hint = e.errno() == Errno.EINVAL ? "the kernel rejected perf_event_attr.config (tracepoint id " + id
                    + ") or its sample settings" : e.errno() == Errno.ENOENT ? "no tracepoint with id " + id : e.hint();
            throw new BpfException("perf_event_open (" + description + ")", e.errno(), hint, e);
        }
        return new PerfEventLink(kernel, progFd, new int[] {pfd}, description, cleanup);
    }
}
