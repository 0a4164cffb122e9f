package io.bpf4j.kprobe;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.attach.AttachPoint;
import java.util.List;

/**
 * Builds a probe on a function's return (kretprobe, uretprobe): the lab's
 * {@code defkretprobe-instructions}. The return value is loaded into the chosen register (r6
 * unless given) from the architecture's return-value offset in {@code pt_regs}.
 *
 * <pre>{@code
 * ProbeProgram p = Kprobe.ret("do_execveat_common")
 *         .returnValue(Reg.R6)
 *         .body(b -> b.jsge(Reg.R6, 0, "ok")
 *                     // ... count the failure ...
 *                     .label("ok").mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 */
@EmitsInstructions
public final class ReturnProbeBuilder extends ProbeBuilder<ReturnProbeBuilder> {
    private Reg returnValue = Reg.R6;

    ReturnProbeBuilder(AttachPoint target, String function) {
        super(target, function);
    }

    /** The register that receives the function's return value. */
    public ReturnProbeBuilder returnValue(Reg reg) {
        if (reg == null) {
            throw new IllegalArgumentException("return value register missing");
        }
        this.returnValue = reg;
        return this;
    }

    @Override
    List<Instruction> prologue(Architecture a) {
        return Prologue.returnValue(a, context, returnValue);
    }
}
