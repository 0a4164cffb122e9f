package io.bpf4j.compiler;

/**
 * The context of a kprobe or uprobe program ({@code struct pt_regs}): function arguments and the
 * return value at the offsets of the compiling architecture's plugin. A method taking it compiles
 * to a {@code BPF_PROG_TYPE_KPROBE} program.
 *
 * <pre>{@code
 * static int onReturn(PtRegs regs) {
 *     long ret = regs.ret();
 *     ...
 * }
 * PtRegs.of(new long[] {1, 2}, 0);    // on the JVM: arguments and return value
 * }</pre>
 */
public final class PtRegs {
    private final long[] args;
    private final long ret;

    private PtRegs(long[] args, long ret) {
        this.args = args.clone();
        this.ret = ret;
    }

    /** Registers holding these arguments and this return value, for running the method on the JVM. */
    public static PtRegs of(long[] args, long ret) {
        return new PtRegs(args, ret);
    }

    /** Argument {@code n} (a constant), as the architecture passes it. */
    public long arg(int n) {
        return n < args.length ? args[n] : 0;
    }

    /** The return value (in a return probe). */
    public long ret() {
        return ret;
    }
}
