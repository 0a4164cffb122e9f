package io.bpf4j.examples;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.kprobe.ProbeHelpers;
import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.kprobe.Uprobe;
import java.util.Optional;

/**
 * The BPF side of {@code funclatency}: an entry uprobe that notes when each thread entered the
 * function, and a return uprobe that adds the elapsed time to a log2 histogram kept in one
 * array-map value ({@code u64 slots[64]}), updated in place with atomic adds.
 *
 * <pre>{@code
 * FuncLatencyPrograms p = new FuncLatencyPrograms("/usr/lib/x86_64-linux-gnu/libc.so.6", "getaddrinfo",
 *         Optional.empty(), 1000);                       // microseconds
 * p.entry().program().assemble();
 * }</pre>
 */
public final class FuncLatencyPrograms {
    /** Thread (pid_tgid) to entry time in ns. */
    public static final MapReference STARTS = MapReference.named("lat_starts");
    /** One value of {@link Log2Histogram#BUCKETS} u64 counters. */
    public static final MapReference HIST = MapReference.named("lat_hist");

    private final String binary;
    private final String symbol;
    private final Optional<Integer> pid;
    private final int unitNs;

    /**
     * @param binary the ELF file
     * @param symbol the function
     * @param pid only calls by this process, if present
     * @param unitNs nanoseconds per histogram unit (1, 1000 or 1000000)
     */
    public FuncLatencyPrograms(String binary, String symbol, Optional<Integer> pid, int unitNs) {
        this.binary = binary;
        this.symbol = symbol;
        this.pid = pid;
        this.unitNs = unitNs;
    }

    /** On entry: {@code starts[pid_tgid] = bpf_ktime_get_ns()}. */
    public ProbeProgram entry() {
        return Uprobe.entry(binary, symbol)
                .name("lat_entry")
                .body(b -> b
                        .with(this::onlyPid)
                        .call(Helper.GET_CURRENT_PID_TGID)
                        .stxdw(R10, -8, R0)                   // key: this thread
                        .ktimeGetNs()
                        .stxdw(R10, -16, R0)                  // value: now
                        .mov(R1, R10).add64(R1, -8)
                        .mov(R2, R10).add64(R2, -16)
                        .mapUpdate(STARTS, R1, R2, 0)
                        .mov(R0, 0).exit())
                .build();
    }

    /** On return: {@code hist[log2((now - start) / unit)] += 1}, and forget the start. */
    public ProbeProgram exit() {
        return Uprobe.ret(binary, symbol)
                .name("lat_return")
                .body(b -> b
                        .with(this::onlyPid)
                        .call(Helper.GET_CURRENT_PID_TGID)
                        .stxdw(R10, -8, R0)
                        .mov(R2, R10).add64(R2, -8)
                        .mapLookup(STARTS, R2)
                        .jne(R0, 0, "entered")
                        .mov(R0, 0).exit()                    // entered before we attached
                        .label("entered")
                        .ldxdw(R6, R0, 0)                     // r6 = start
                        .ktimeGetNs()
                        .mov(R7, R0).sub64(R7, R6)            // r7 = elapsed ns
                        .mov(R2, R10).add64(R2, -8)
                        .ldMap(R1, STARTS)
                        .call(Helper.MAP_DELETE_ELEM)
                        .with(x -> {
                            if (unitNs != 1) {
                                x.div64(R7, unitNs);
                            }
                        })
                        .with(x -> log2(x, R7, R6))           // r6 = floor(log2(r7))
                        .and64(R6, Log2Histogram.BUCKETS - 1) // a bound the verifier can see
                        .lsh64(R6, 3)                         // * sizeof(u64)
                        .ldMapValue(R1, HIST, 0)              // r1 = &hist.slots[0]
                        .add64(R1, R6)
                        .mov(R2, 1)
                        .atomicAdd64(R1, 0, R2)
                        .mov(R0, 0).exit())
                .build();
    }

    /** Returns at once unless the current process is {@code --pid}. */
    private void onlyPid(ProgramBuilder b) {
        pid.ifPresent(p -> b.append(ProbeHelpers.onlyTgid(p)));
    }

    /**
     * {@code out = floor(log2(value))} (0 for 0) by halving: for s in 32, 16, 8, 4, 2, 1, if
     * {@code value >> s} is not 0, keep it and add s. Destroys {@code value}; uses r0 as scratch.
     */
    static void log2(ProgramBuilder b, io.bpf4j.core.Reg value, io.bpf4j.core.Reg out) {
        b.mov(out, 0);
        for (int s = 32; s >= 1; s >>= 1) {
            b.mov(R0, value).rsh64(R0, s)
                    .jeq(R0, 0, "log2_" + s)
                    .mov(value, R0).add64(out, s)
                    .label("log2_" + s);
        }
    }
}
