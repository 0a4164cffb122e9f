package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * A {@code PERF_EVENT} program attached to a sampling perf event (cpu-clock, a hardware counter)
 * on every online CPU, for every thread or for one. A perf event follows one task: to sample a
 * whole multi-threaded process (a JVM), attach for every thread and filter by tgid in the program.
 *
 * <pre>{@code
 * try (BpfLink l = prog.attach(AttachPoint.cpuClock(49))) { ... }                   // whole system
 * try (BpfLink l = prog.attach(AttachPoint.cpuClock(99), PerfEventLink.Options.tid(1234))) { ... }
 * }</pre>
 */
public final class PerfEventLink extends PerfBackedLink {
    /**
     * Options of a sampling attachment.
     *
     * @param tid only this thread (a thread id; for a process's main thread, its pid), or -1 for every thread
     * @param cookie the value {@code bpf_get_attach_cookie()} returns in the program (0: none; Linux 5.15+)
     */
    public record Options(int tid, long cookie) implements LinkOptions {
        /** No options: every thread, no cookie. */
        public static final Options NONE = new Options(-1, 0);

        public Options {
            if (tid < -1 || tid == 0) {
                throw new IllegalArgumentException("perf event thread " + tid + ": expected a thread id (> 0) or -1 for all");
            }
        }

        /** Only thread {@code tid}. */
        public static Options tid(int tid) {
            return new Options(tid, 0);
        }
    }

    private PerfEventLink(Kernel kernel, Attached attached, AttachPoint target, String attachedTo, String description) {
        super(kernel, attached, target, attachedTo, null, description, null);
    }

    static PerfEventLink attach(BpfProgram prog, AttachPoint.PerfEvent event, Options options) {
        Kernel kernel = prog.kernel();
        int[] cpus = Cpus.online(kernel);
        int[] fds = new int[cpus.length];
        int opened = 0;
        try {
            for (; opened < cpus.length; opened++) {
                fds[opened] = kernel.perfEventOpen(new Kernel.PerfEventAttr(event.type(), event.config(),
                        event.periodOrFrequency(), 0, event.frequency() ? Kernel.PerfEventAttr.FLAG_FREQ : 0, 0, null, 0, 0),
                        options.tid(), cpus[opened], -1, Kernel.PERF_FLAG_FD_CLOEXEC);
            }
        } catch (BpfException e) {
            for (int i = 0; i < opened; i++) {
                closeQuietly(kernel, fds[i]);
            }
            String hint = e.errno() == Errno.ESRCH ? "no thread " + options.tid() : e.hint();
            throw new BpfException("perf_event_open (" + event + " cpu " + cpus[opened] + ")", e.errno(), hint, e);
        }
        String attachedTo = event + " on " + cpus.length + " CPUs" + (options.tid() > 0 ? " thread " + options.tid() : "");
        String description = attachedTo + " <- " + prog;
        Attached a = attach(kernel, prog.fd(), fds, options.cookie(), description, null);
        return new PerfEventLink(kernel, a, event, attachedTo, description);
    }
}
