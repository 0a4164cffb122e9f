package io.bpf4j.compiler;

/**
 * The context of a tracepoint program: the tracepoint's record, read at the offsets its
 * {@code format} file gives (bpf-structs' {@code TracepointFormat}). A method taking it compiles
 * to a {@code BPF_PROG_TYPE_TRACEPOINT} program.
 *
 * <pre>{@code
 * static int onExec(TracepointContext ctx) {    // sched/sched_process_exec
 *     EXECS.add(Bpf.currentUid(), 1);
 *     return 0;
 * }
 * }</pre>
 */
public final class TracepointContext extends RawContext {
    private TracepointContext(byte[] bytes) {
        super(bytes);
    }

    /** A record of these bytes (copied), for running the method on the JVM. */
    public static TracepointContext of(byte[] bytes) {
        return new TracepointContext(bytes);
    }
}
