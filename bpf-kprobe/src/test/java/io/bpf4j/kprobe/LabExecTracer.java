package io.bpf4j.kprobe;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.btf.Btf;
import java.util.function.Consumer;

/** Lab 5.4 in Java: the {@code ProcessExecEvent} struct and the exec tracer built with the probe builders. */
final class LabExecTracer {
    /** The lab's event: u64 timestamp, u32 pid, tgid, uid, ppid, char comm[16]; 40 bytes. */
    static final StructLayout EXEC = StructLayout.builder("ProcessExecEvent")
            .u64("timestamp").u32("pid").u32("tgid").u32("uid").u32("ppid").chars("comm", 16)
            .build();

    private LabExecTracer() {
    }

    /**
     * Parts 2 and 3 of the lab: prologue (context in r9, filename in r7), then {@link #body}
     * without a ppid (the lab leaves it to a challenge).
     */
    static ProbeProgram build(Architecture arch, MapReference events) {
        return Kprobe.entry("do_execveat_common").arch(arch).name("exec_trace")
                .arg(1, Reg.R7)
                .body(body(events, null))
                .build();
    }

    /**
     * The same body on {@code sched/sched_process_exec}, the tracepoint a kernel without kprobes
     * offers, with the ppid read through BTF ({@code current->real_parent->tgid}).
     */
    static ProbeProgram onTracepoint(MapReference events, Btf btf) {
        return TracepointProbe.of("sched", "sched_process_exec").name("exec_trace").body(body(events, btf)).build();
    }

    /**
     * Timestamp in r8, pid/tgid in r6, a ring-buffer record in r7, every field filled, the record
     * submitted; ppid too when {@code btf} is given.
     */
    static Consumer<ProgramBuilder> body(MapReference events, Btf btf) {
        return b -> {
            b.ktimeGetNs().mov64(Reg.R8, Reg.R0)
                    .call(Helper.GET_CURRENT_PID_TGID).mov64(Reg.R6, Reg.R0)   // split below
                    .ringbufReserve(events, EXEC.size())
                    .jeq(Reg.R0, 0, "out")
                    .mov64(Reg.R7, Reg.R0)
                    .append(EXEC.zero(Reg.R7))
                    .append(EXEC.store("timestamp", Reg.R7, Reg.R8))
                    .append(EXEC.store("pid", Reg.R7, Reg.R6))
                    .rsh64(Reg.R6, 32)
                    .append(EXEC.store("tgid", Reg.R7, Reg.R6))
                    .getCurrentUidGid(Reg.R0, null)
                    .append(EXEC.store("uid", Reg.R7, Reg.R0));
            if (btf != null) {
                b.append(ProbeHelpers.readCurrentTaskField(btf, "task_struct.real_parent->tgid", Reg.R8, -8))
                        .append(EXEC.store("ppid", Reg.R7, Reg.R8));
            }
            b.getCurrentComm(Reg.R7, EXEC.offset("comm"), 16)
                    .ringbufSubmit(Reg.R7, 0)
                    .label("out")
                    .mov64(Reg.R0, 0)
                    .exit();
        };
    }
}
