package io.bpf4j.compiler;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R4;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.AtomicOp;
import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Size;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.btf.FieldPathReads;

/**
 * The acceptance programs written by hand with bpf4j's DSL, the way bpf-examples writes its
 * tracers (ExecPrograms' reserveEvent and fillTask, FuncLatencyPrograms' entry and exit): the
 * yardstick for the compiler's instruction counts and, for the exec tracer, for its events.
 */
final class DslPrograms {
    private DslPrograms() {
    }

    static final StructLayout EXEC = StructLayout.builder("ProcessExecEvent")
            .u64("timestamp").u32("pid").u32("tgid").u32("uid").u32("ppid").chars("comm", 16)
            .build();

    // tag::dsl-exec[]
    /** Reserve, fill the lab's fields and the parent's tgid straight into the record, submit. */
    static Program exec(Btf btf, MapReference events) {
        return Program.builder()
                .ringbufReserve(events, EXEC.size())
                .jne(R0, 0, "reserved")
                .mov(R0, 0).exit()
                .label("reserved")
                .mov(R6, R0)
                .ktimeGetNs()
                .append(EXEC.store("timestamp", R6, R0))
                .getCurrentPidTgid(R1, R2)
                .append(EXEC.store("pid", R6, R1))
                .append(EXEC.store("tgid", R6, R2))
                .getCurrentUidGid(R1, null)
                .append(EXEC.store("uid", R6, R1))
                .getCurrentComm(R6, EXEC.offset("comm"), 16)
                .append(FieldPathReads.readCurrentTaskInto(btf.path("task_struct.real_parent->tgid"), R6, EXEC.offset("ppid"), -8))
                .ringbufSubmit(R6, 0)
                .mov(R0, 0).exit()
                .build();
    }
    // end::dsl-exec[]

    /** counts[uid] += 1, inserting 1 the first time. */
    static Program counter(MapReference counts) {
        return Program.builder()
                .getCurrentUidGid(R1, null)
                .stxw(R10, -4, R1)
                .mov(R2, R10).add64(R2, -4)
                .mapLookup(counts, R2)
                .jeq(R0, 0, "first")
                .mov(R1, 1)
                .atomicAdd64(R0, 0, R1)
                .mov(R0, 0).exit()
                .label("first")
                .stdw(R10, -16, 1)
                .mov(R2, R10).add64(R2, -4)
                .mov(R3, R10).add64(R3, -16)
                .mapUpdate(counts, R2, R3, 1)                 // BPF_NOEXIST
                .mov(R0, 0).exit()
                .build();
    }

    /** IPv4/UDP packets counted per destination port, every third one of a port dropped. */
    static Program xdp(MapReference ports) {
        ProgramBuilder b = Program.builder()
                .ldxw(R2, R1, 0)                              // data
                .ldxw(R3, R1, 4)                              // data_end
                .mov(R1, R2).add64(R1, 34)                    // Ethernet + the smallest IPv4 header
                .jgt(R1, R3, "pass")
                .ldxh(R1, R2, 12).be(R1, 16)
                .jne(R1, 0x0800, "pass")
                .ldxb(R1, R2, 14)
                .mov(R4, R1).rsh64(R4, 4)
                .jne(R4, 4, "pass")
                .ldxb(R4, R2, 23)
                .jne(R4, 17, "pass")
                .and64(R1, 0xf).lsh64(R1, 2)                  // IP header length
                .add64(R2, R1)
                .mov(R1, R2).add64(R1, 18)                    // ... + UDP ports
                .jgt(R1, R3, "pass")
                .ldxh(R1, R2, 16).be(R1, 16)
                .stxw(R10, -4, R1)
                .mov(R2, R10).add64(R2, -4)
                .mapLookup(ports, R2)
                .jeq(R0, 0, "first")
                .mov(R1, 1)
                .atomic(AtomicOp.FETCH_ADD, Size.DW, R0, 0, R1)
                .add64(R1, 1)
                .mod64(R1, 3)
                .jne(R1, 0, "pass")
                .mov(R0, 1).exit()                            // XDP_DROP
                .label("first")
                .stdw(R10, -16, 1)
                .mov(R2, R10).add64(R2, -4)
                .mov(R3, R10).add64(R3, -16)
                .mapUpdate(ports, R2, R3, 1)
                .label("pass")
                .mov(R0, 2).exit();                           // XDP_PASS
        return b.build();
    }

    /** FuncLatencyPrograms.entry()'s body: starts[pid_tgid] = now. */
    static Program latencyEntry(MapReference starts) {
        return Program.builder()
                .call(Helper.GET_CURRENT_PID_TGID)
                .stxdw(R10, -8, R0)
                .ktimeGetNs()
                .stxdw(R10, -16, R0)
                .mov(R1, R10).add64(R1, -8)
                .mov(R2, R10).add64(R2, -16)
                .mapUpdate(starts, R1, R2, 0)
                .mov(R0, 0).exit()
                .build();
    }

    /** FuncLatencyPrograms.exit()'s body, with the histogram as an array of 64 u64 counters. */
    static Program latencyReturn(MapReference starts, MapReference hist) {
        ProgramBuilder b = Program.builder()
                .call(Helper.GET_CURRENT_PID_TGID)
                .stxdw(R10, -8, R0)
                .mov(R2, R10).add64(R2, -8)
                .mapLookup(starts, R2)
                .jne(R0, 0, "entered")
                .mov(R0, 0).exit()
                .label("entered")
                .ldxdw(R6, R0, 0)
                .ktimeGetNs()
                .mov(R7, R0).sub64(R7, R6)
                .mov(R2, R10).add64(R2, -8)
                .ldMap(R1, starts)
                .call(Helper.MAP_DELETE_ELEM)
                .div64(R7, 1000)
                .mov(R6, 0);
        for (int s = 32; s >= 1; s >>= 1) {
            b.mov(R0, R7).rsh64(R0, s)
                    .jeq(R0, 0, "log2_" + s)
                    .mov(R7, R0).add64(R6, s)
                    .label("log2_" + s);
        }
        return b.stxw(R10, -4, R6)
                .mov(R2, R10).add64(R2, -4)
                .mapLookup(hist, R2)
                .jeq(R0, 0, "out")
                .mov(R1, 1)
                .atomicAdd64(R0, 0, R1)
                .label("out")
                .mov(R0, 0).exit()
                .build();
    }
}
