package io.bpf4j.examples;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.kprobe.Kprobe;
import io.bpf4j.kprobe.ProbeHelpers;
import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.kprobe.Uprobe;
import java.util.List;
import java.util.Optional;

/**
 * The BPF side of {@code funclatency}: per function, an entry probe that pushes the time on a
 * per-thread stack of start times, and a return probe that pops it and adds the elapsed time to a
 * log2 histogram. The functions are user-space ones (uprobes) or kernel ones (kprobes).
 *
 * <p>The per-thread stack ({@code lat_starts[pid_tgid] = {u64 depth; u64 start[levels]}}) makes
 * nested and recursive calls come out right: calls deeper than {@code levels} are counted in the
 * depth but not timed ({@code -l LEVEL}; the default 1 times the outermost call only).
 *
 * <p>All histograms live in the one value of the array map {@code lat_hist}: function {@code i}
 * (or 0 when the functions share one histogram) owns {@link #SLOTS} u64 at
 * {@code i * SLOTS * 8}: 64 log2 buckets, then the sum of the values, updated with atomic adds.
 *
 * <pre>{@code
 * FuncLatencyPrograms p = new FuncLatencyPrograms(List.of(FuncLatencyPrograms.Function.user("libc", "getaddrinfo")),
 *         false, Optional.empty(), 1000, 1);            // microseconds, outermost calls
 * p.entry(0).program().assemble();
 * }</pre>
 */
public final class FuncLatencyPrograms {
    /** Thread (pid_tgid) to {@code {depth, start[levels]}}. */
    public static final MapReference STARTS = MapReference.named("lat_starts");
    /** The histograms: one value of {@link #SLOTS} u64 per histogram. */
    public static final MapReference HIST = MapReference.named("lat_hist");
    /** u64 per histogram: {@link Log2Histogram#BUCKETS} buckets, then the sum. */
    public static final int SLOTS = Log2Histogram.BUCKETS + 1;
    /** The deepest nesting {@code -l} may time (the start stack lives on the BPF stack once). */
    public static final int MAX_LEVELS = 32;

    /**
     * One traced function.
     *
     * @param binary the ELF file (path or library name) of a user-space function, or null for a kernel function
     * @param symbol the function's name
     */
    public record Function(String binary, String symbol) {
        /** A user-space function: {@code libc:malloc}. */
        public static Function user(String binary, String symbol) {
            return new Function(binary, symbol);
        }

        /** A kernel function: {@code vfs_read}. */
        public static Function kernel(String symbol) {
            return new Function(null, symbol);
        }

        /** True for a kernel function. */
        public boolean inKernel() {
            return binary == null;
        }
    }

    private final List<Function> functions;
    private final boolean perFunction;
    private final Optional<Integer> pid;
    private final int unitNs;
    private final int levels;

    /**
     * @param functions what to time
     * @param perFunction one histogram per function ({@code -F}), else one for all
     * @param pid only calls by this process, if present (checked in the kernel as well)
     * @param unitNs nanoseconds per histogram unit (1, 1000 or 1000000)
     * @param levels how deep nested calls are timed, 1..{@value #MAX_LEVELS}
     */
    public FuncLatencyPrograms(List<Function> functions, boolean perFunction, Optional<Integer> pid, int unitNs,
                               int levels) {
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("no function to time");
        }
        if (levels < 1 || levels > MAX_LEVELS) {
            throw new IllegalArgumentException("--level " + levels + ": expected 1.." + MAX_LEVELS);
        }
        this.functions = List.copyOf(functions);
        this.perFunction = perFunction;
        this.pid = pid;
        this.unitNs = unitNs;
        this.levels = levels;
    }

    /** The value size of {@link #STARTS}. */
    public int startsValueSize() {
        return (levels + 1) * Long.BYTES;
    }

    /** The number of histograms in {@link #HIST}'s value. */
    public int histograms() {
        return perFunction ? functions.size() : 1;
    }

    /** On entry of function {@code i}: push {@code bpf_ktime_get_ns()} on this thread's stack. */
    public ProbeProgram entry(int i) {
        Function f = functions.get(i);
        int value = -8 - startsValueSize();                   // a zeroed value below the key
        return (f.inKernel() ? Kprobe.entry(f.symbol()) : Uprobe.entry(f.binary(), f.symbol()))
                .name("lat_entry")
                .body(b -> b
                        .with(this::onlyPid)
                        .call(Helper.GET_CURRENT_PID_TGID)
                        .stxdw(R10, -8, R0)                   // key: this thread
                        .mov(R2, R10).add64(R2, -8)
                        .mapLookup(STARTS, R2)
                        .jne(R0, 0, "have_stack")
                        .with(x -> {
                            for (int off = 0; off < startsValueSize(); off += 8) {
                                x.stdw(R10, value + off, 0);
                            }
                        })
                        .mov(R1, R10).add64(R1, -8)
                        .mov(R2, R10).add64(R2, value)
                        .mapUpdate(STARTS, R1, R2, 0)
                        .mov(R2, R10).add64(R2, -8)
                        .mapLookup(STARTS, R2)
                        .jne(R0, 0, "have_stack")
                        .mov(R0, 0).exit()                    // the map is full
                        .label("have_stack")
                        .mov(R6, R0)
                        .ldxdw(R7, R6, 0)                     // r7 = depth
                        .mov(R1, R7).add64(R1, 1)
                        .stxdw(R6, 0, R1)                     // depth + 1, timed or not
                        .jge(R7, levels, "too_deep")          // the verifier now knows r7 < levels
                        .lsh64(R7, 3)
                        .add64(R7, R6)
                        .ktimeGetNs()
                        .stxdw(R7, 8, R0)                     // start[depth] = now
                        .label("too_deep")
                        .mov(R0, 0).exit())
                .build();
    }

    /**
     * On return of function {@code i}: pop this thread's start, and add
     * {@code log2((now - start) / unit)} to the histogram and the value to its sum.
     */
    public ProbeProgram exit(int i) {
        Function f = functions.get(i);
        int base = (perFunction ? i : 0) * SLOTS * Long.BYTES;
        return (f.inKernel() ? Kprobe.ret(f.symbol()) : Uprobe.ret(f.binary(), f.symbol()))
                .name("lat_return")
                .body(b -> b
                        .with(this::onlyPid)
                        .call(Helper.GET_CURRENT_PID_TGID)
                        .stxdw(R10, -8, R0)
                        .mov(R2, R10).add64(R2, -8)
                        .mapLookup(STARTS, R2)
                        .jne(R0, 0, "have_stack")
                        .mov(R0, 0).exit()                    // entered before we attached
                        .label("have_stack")
                        .mov(R6, R0)
                        .ldxdw(R7, R6, 0)                     // r7 = depth
                        .jne(R7, 0, "entered")
                        .mov(R0, 0).exit()                    // entered before we attached
                        .label("entered")
                        .add64(R7, -1)
                        .stxdw(R6, 0, R7)                     // pop
                        .jge(R7, levels, "not_timed")         // deeper than --level
                        .lsh64(R7, 3)
                        .add64(R7, R6)
                        .ldxdw(R8, R7, 8)                     // r8 = start[depth]
                        .ktimeGetNs()
                        .mov(R7, R0).sub64(R7, R8)            // r7 = elapsed ns
                        .with(x -> {
                            if (unitNs != 1) {
                                x.div64(R7, unitNs);
                            }
                        })
                        .mov(R8, R7)                          // r8 = value, for the sum
                        .with(x -> log2(x, R7, R6))           // r6 = floor(log2(r7))
                        .and64(R6, Log2Histogram.BUCKETS - 1) // a bound the verifier can see
                        .lsh64(R6, 3)                         // * sizeof(u64)
                        .ldMapValue(R1, HIST, base)           // r1 = &hist[i].slots[0]
                        .add64(R1, R6)
                        .mov(R2, 1)
                        .atomicAdd64(R1, 0, R2)
                        .ldMapValue(R3, HIST, base + Log2Histogram.BUCKETS * Long.BYTES)
                        .atomicAdd64(R3, 0, R8)               // hist[i].sum += value
                        .label("not_timed")
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
