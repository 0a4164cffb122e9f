package io.bpf4j.kprobe;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.attach.AttachPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw tracepoint programs: the context is {@code struct bpf_raw_tracepoint_args}, an array of the
 * tracepoint's arguments as u64 ({@code args[i]} at offset 8*i), the same on every architecture.
 *
 * <pre>{@code
 * ProbeProgram p = RawTracepointProbe.of("sched_switch")
 *         .args(Reg.R6, Reg.R7, Reg.R8)            // preempt, prev, next
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 */
@EmitsInstructions
public final class RawTracepointProbe extends ProbeBuilder<RawTracepointProbe> {
    /** The kernel's tracepoints take at most 12 arguments ({@code __bpf_trace_run} variants). */
    static final int MAX_ARGS = 12;

    private final Map<Integer, Reg> args = new LinkedHashMap<>();

    private RawTracepointProbe(String name) {
        super(AttachPoint.rawTracepoint(name), name);
    }

    /** A raw tracepoint program on {@code name} (no category: {@code sched_switch}). */
    public static RawTracepointProbe of(String name) {
        return new RawTracepointProbe(name);
    }

    /** Argument 0 into {@code regs[0]}, and so on. */
    public RawTracepointProbe args(Reg... regs) {
        for (int i = 0; i < regs.length; i++) {
            arg(i, regs[i]);
        }
        return this;
    }

    /** Argument {@code index} into {@code reg}. */
    public RawTracepointProbe arg(int index, Reg reg) {
        if (index < 0 || index >= MAX_ARGS) {
            throw new IllegalArgumentException("raw tracepoint argument " + index + ": expected 0.." + (MAX_ARGS - 1));
        }
        if (args.containsKey(index)) {
            throw new IllegalArgumentException("raw tracepoint argument " + index + " is mapped twice");
        }
        args.put(index, reg);
        return this;
    }

    @Override
    List<Instruction> prologue(Architecture a) {
        // Same register rules as a pt_regs prologue; the offsets are the array's, not the arch's.
        Prologue.checkContext(context);
        List<Instruction> out = new ArrayList<>();
        Prologue.checkArgs(a, context, args, "raw tracepoint argument", false);
        out.addAll(Prologue.of(a, context));
        for (Map.Entry<Integer, Reg> e : args.entrySet()) {
            out.add(new LoadInsn(Size.DW, false, e.getValue(), context, 8 * e.getKey()));
        }
        return Collections.unmodifiableList(out);
    }
}
