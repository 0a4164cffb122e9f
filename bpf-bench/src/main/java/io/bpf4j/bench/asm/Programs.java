package io.bpf4j.bench.asm;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R9;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.arch.Architecture;

/**
 * The programs the assembly benchmarks assemble.
 *
 * <pre>{@code
 * Program big = Programs.large(1_000_000);          // 1 M instructions, a label every 10
 * Program lab = Programs.labExecTracer(arch, events); // the lab's kprobe exec tracer
 * }</pre>
 */
public final class Programs {
    /** Real instructions per labelled block of {@link #large(int)}. */
    public static final int BLOCK = 10;

    /** Size of the lab's {@code ProcessExecEvent}: u64 timestamp, u32 pid, tgid, uid, ppid, char comm[16]. */
    public static final int EXEC_EVENT_SIZE = 40;

    // task_struct offsets as BTF gives them on the reference kernel: only their size matters here
    // (they become immediates), the benchmark measures building, not BTF.
    private static final int REAL_PARENT = 2528;
    private static final int TGID = 2516;

    private Programs() {
    }

    /**
     * A program of exactly {@code instructions} real instructions (a multiple of {@value #BLOCK}),
     * a label at the head of every block of {@value #BLOCK}, each block jumping forward (to the next
     * block) and backward (to the previous one), ending in {@code r0 = 0; exit}. It is never
     * loaded: the shape is what an assembler sees in a large generated program.
     */
    public static Program large(int instructions) {
        if (instructions % BLOCK != 0 || instructions < BLOCK) {
            throw new IllegalArgumentException("instructions " + instructions + ": expected a positive multiple of " + BLOCK);
        }
        int blocks = instructions / BLOCK;
        String[] labels = new String[blocks + 1];
        for (int i = 0; i <= blocks; i++) {
            labels[i] = "L" + i;
        }
        ProgramBuilder b = Program.builder();
        for (int k = 0; k < blocks - 1; k++) {
            b.label(labels[k])
                    .mov64(R1, k)
                    .add64(R1, R2)
                    .ldxdw(R3, R10, -8)
                    .stxdw(R10, -16, R3)
                    .jeq(R1, 0, labels[k + 1])
                    .jgt(R1, R3, labels[k == 0 ? 1 : k - 1])
                    .lsh64(R1, 3)
                    .and64(R1, 0xff)
                    .ja(labels[k + 1])
                    .mov64(R0, R1);
        }
        b.label(labels[blocks - 1])
                .mov64(R1, 1)
                .add64(R1, R2)
                .ldxdw(R3, R10, -8)
                .stxdw(R10, -16, R3)
                .jeq(R1, 0, labels[blocks - 1])
                .jgt(R1, R3, labels[blocks > 1 ? blocks - 2 : 0])
                .lsh64(R1, 3)
                .and64(R1, 0xff)
                .mov64(R0, 0)
                .exit();
        return b.build();
    }

    /**
     * The lab's exec tracer (seed lab 5.4) through the fluent API: kprobe prologue, timestamp,
     * pid/tgid, uid, parent's tgid through {@code bpf_probe_read_kernel}, a ring-buffer record of
     * {@value #EXEC_EVENT_SIZE} bytes filled field by field, comm, submit.
     */
    public static Program labExecTracer(Architecture arch, MapReference events) {
        return Program.builder()
                .mov64(R9, R1)                                  // pt_regs
                .ldxdw(R7, R9, arch.argOffset(1))               // filename
                .ktimeGetNs().mov64(R8, R0)                     // timestamp
                .getCurrentPidTgid(R6, null).stxw(R10, -8, R6)  // pid
                .getCurrentPidTgid(null, R6).stxw(R10, -12, R6) // tgid
                .getCurrentUidGid(R6, null).stxw(R10, -4, R6)   // uid
                .call(Helper.GET_CURRENT_TASK).add64(R0, REAL_PARENT)
                .mov64(R6, R10).add64(R6, -24)
                .probeReadKernel(R6, 8, R0)                     // parent = task->real_parent
                .ldxdw(R0, R10, -24).add64(R0, TGID)
                .probeReadKernel(R6, 4, R0)                     // ppid = parent->tgid
                .ringbufReserve(events, EXEC_EVENT_SIZE)
                .jeq(R0, 0, "out")
                .mov64(R6, R0)
                .stxdw(R6, 0, R8)                               // timestamp
                .ldxw(R1, R10, -8).stxw(R6, 8, R1)              // pid
                .ldxw(R1, R10, -12).stxw(R6, 12, R1)            // tgid
                .ldxw(R1, R10, -4).stxw(R6, 16, R1)             // uid
                .ldxw(R1, R10, -24).stxw(R6, 20, R1)            // ppid
                .getCurrentComm(R6, 24, 16)                     // comm
                .ringbufSubmit(R6, 0)
                .label("out")
                .mov64(R0, 0)
                .exit()
                .build();
    }
}
