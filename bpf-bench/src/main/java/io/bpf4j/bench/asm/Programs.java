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
                .call(Helper.KTIME_GET_NS).mov64(R8, R0)
                .call(Helper.GET_CURRENT_PID_TGID).mov64(R6, R0)
                .call(Helper.GET_CURRENT_UID_GID).stxw(R10, -4, R0)
                .call(Helper.GET_CURRENT_TASK).mov64(R3, R0).add64(R3, REAL_PARENT)
                .mov64(R1, R10).add64(R1, -16).mov64(R2, 8)
                .call(Helper.PROBE_READ_KERNEL)
                .ldxdw(R3, R10, -16).add64(R3, TGID)
                .mov64(R1, R10).add64(R1, -24).mov64(R2, 4)
                .call(Helper.PROBE_READ_KERNEL)
                .ldMap(R1, events).mov64(R2, EXEC_EVENT_SIZE).mov64(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "out")
                .stxdw(R0, 0, R8)                               // timestamp
                .stxw(R0, 8, R6)                                // pid (lower half)
                .rsh64(R6, 32).stxw(R0, 12, R6)                 // tgid (upper half)
                .ldxw(R1, R10, -4).stxw(R0, 16, R1)             // uid
                .ldxw(R1, R10, -24).stxw(R0, 20, R1)            // ppid
                .mov64(R6, R0)
                .mov64(R1, R0).add64(R1, 24).mov64(R2, 16)
                .call(Helper.GET_CURRENT_COMM)                  // comm
                .mov64(R1, R6).mov64(R2, 0)
                .call(Helper.RINGBUF_SUBMIT)
                .label("out")
                .mov64(R0, 0)
                .exit()
                .build();
    }
}
