package io.bpf4j.syscall;

/**
 * What {@code BPF_PROG_TEST_RUN} returned.
 *
 * <pre>{@code
 * TestRunResult r = prog.testRun(TestRun.ctx(new byte[16]));
 * r.retval();   // r0 at exit (low 32 bits)
 * r.ctxOut();   // the context after the run
 * }</pre>
 *
 * @param retval the program's return value (32 bits, as the kernel reports it)
 * @param durationNanos mean time per run, as the kernel measured it
 * @param dataOut packet data out (empty if none was asked for)
 * @param ctxOut context out: for syscall programs the context as the program left it
 */
public record TestRunResult(int retval, int durationNanos, byte[] dataOut, byte[] ctxOut) {
}
