package io.bpf4j.compiler;

/**
 * The context of a {@code BPF_PROG_TYPE_SYSCALL} program: the bytes the caller passes to
 * {@code BPF_PROG_TEST_RUN}. A method taking it compiles to a syscall program, which makes it the
 * way to run program logic in the kernel on chosen inputs.
 *
 * <pre>{@code
 * static int count(SyscallContext ctx) {
 *     EXECS.add(ctx.u32(0), 1);
 *     return 0;
 * }
 * count(SyscallContext.of(new byte[] {1, 0, 0, 0}));   // on the JVM
 * }</pre>
 */
public final class SyscallContext extends RawContext {
    private SyscallContext(byte[] bytes) {
        super(bytes);
    }

    /** A context of these bytes (copied), for running the method on the JVM. */
    public static SyscallContext of(byte[] bytes) {
        return new SyscallContext(bytes);
    }
}
