package io.bpf4j.kprobe;

import io.bpf4j.core.attach.AttachPoint;

/**
 * Kprobe and kretprobe programs on a kernel function: the lab's {@code defkprobe-instructions}
 * and {@code defkretprobe-instructions}. The prologue (save {@code pt_regs}, load arguments or the
 * return value) is generated for the chosen architecture.
 *
 * <pre>{@code
 * ProbeProgram entry = Kprobe.entry("do_execveat_common")
 *         .args(Reg.R6, Reg.R7)                   // fd in r6, filename in r7
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * ProbeProgram exit = Kprobe.ret("do_execveat_common")
 *         .returnValue(Reg.R6)
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 */
public final class Kprobe {
    private Kprobe() {
    }

    /** A kprobe on the entry of {@code function}. */
    public static EntryProbeBuilder entry(String function) {
        return new EntryProbeBuilder(AttachPoint.kprobe(function), function, false);
    }

    /** A kretprobe on the return of {@code function}. */
    public static ReturnProbeBuilder ret(String function) {
        return new ReturnProbeBuilder(AttachPoint.kretprobe(function), function);
    }
}
