package io.bpf4j.kprobe;

import io.bpf4j.core.attach.AttachPoint;

/**
 * Uprobe and uretprobe programs on a function in a user-space binary or shared library. The
 * kernel hands them the same {@code struct pt_regs} as kprobes, so arguments and return values are
 * read exactly as for kernel functions. Arguments are by index (user functions have no kernel
 * BTF), or by name with {@link EntryProbeBuilder#parameterNames}.
 *
 * <pre>{@code
 * ProbeProgram p = Uprobe.entry("/usr/lib/x86_64-linux-gnu/libc.so.6", "malloc")
 *         .args(Reg.R6)                            // size
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 */
public final class Uprobe {
    private Uprobe() {
    }

    /** A uprobe on the entry of {@code symbol} in {@code binary}. */
    public static EntryProbeBuilder entry(String binary, String symbol) {
        return entry(AttachPoint.uprobe(binary, symbol));
    }

    /** A uprobe at a user function given as symbol and/or offset. */
    public static EntryProbeBuilder entry(AttachPoint.UserFunction at) {
        return new EntryProbeBuilder(at.isReturn() ? new AttachPoint.UserFunction(at.binary(), at.symbol(), at.offset(), false) : at,
                nameOf(at), false);
    }

    /** A uretprobe on the return of {@code symbol} in {@code binary}. */
    public static ReturnProbeBuilder ret(String binary, String symbol) {
        return ret(AttachPoint.uretprobe(binary, symbol));
    }

    /** A uretprobe at a user function given as symbol and/or offset. */
    public static ReturnProbeBuilder ret(AttachPoint.UserFunction at) {
        return new ReturnProbeBuilder(at.isReturn() ? at : new AttachPoint.UserFunction(at.binary(), at.symbol(), at.offset(), true),
                nameOf(at));
    }

    private static String nameOf(AttachPoint.UserFunction at) {
        return at.symbol() != null ? at.symbol() : "uprobe_" + Long.toHexString(at.offset());
    }
}
