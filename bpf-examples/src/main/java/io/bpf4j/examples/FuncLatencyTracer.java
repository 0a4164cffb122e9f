package io.bpf4j.examples;

import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.bpf4j.syscall.LinkOptions;
import io.bpf4j.syscall.UprobeLink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The user-space side of {@code funclatency}: the maps, the entry and return probes of
 * {@link FuncLatencyPrograms} for each function, and reading the histograms.
 *
 * <pre>{@code
 * try (FuncLatencyTracer t = FuncLatencyTracer.attach("libc", "getaddrinfo", Optional.empty(),
 *         FuncLatencyTracer.Unit.USECS)) {
 *     Thread.sleep(5000);
 *     t.takeHistogram().print(out, "usecs");
 * }
 * }</pre>
 */
public final class FuncLatencyTracer implements AutoCloseable {
    /** The histogram's unit: {@code --unit nsecs|usecs|msecs}. */
    public enum Unit {
        /** Nanoseconds. */
        NSECS(1),
        /** Microseconds. */
        USECS(1_000),
        /** Milliseconds. */
        MSECS(1_000_000);

        private final int ns;

        Unit(int ns) {
            this.ns = ns;
        }

        /** Nanoseconds per unit. */
        public int nanos() {
            return ns;
        }

        /** The column title: {@code nsecs}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final BpfMap hist;
    private final List<FuncLatencyPrograms.Function> functions;
    private final int histograms;
    private final Unit unit;
    /** The counts already handed out by {@link #takeHistograms()}: histogram, then slot. */
    private final long[][] taken;

    private FuncLatencyTracer(List<FuncLatencyPrograms.Function> functions, boolean perFunction, Optional<Integer> pid,
                              Unit unit, int levels) {
        this.functions = List.copyOf(functions);
        this.unit = unit;
        FuncLatencyPrograms programs = new FuncLatencyPrograms(functions, perFunction, pid, unit.nanos(), levels);
        this.histograms = programs.histograms();
        this.taken = new long[histograms][FuncLatencyPrograms.SLOTS];
        boolean ok = false;
        try {
            BpfMap starts = keep(BpfMap.create(MapSpec.lruHash("lat_starts", Long.BYTES,
                    programs.startsValueSize(), 10_240)));
            hist = keep(BpfMap.create(MapSpec.array("lat_hist", valueBytes(), 1)));
            // -p on a uprobe: the kernel runs the probe only in that process; kprobes filter in the program.
            for (int i = 0; i < functions.size(); i++) {
                LinkOptions options = pid.isPresent() && !functions.get(i).inKernel()
                        ? UprobeLink.Options.pid(pid.get()) : null;
                attach(programs.entry(i), starts, options);
                attach(programs.exit(i), starts, options);
            }
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /**
     * Creates the maps, loads the uprobes and attaches them to {@code symbol} in {@code binary}
     * (a path, or a library name such as {@code libc}, found as the dynamic loader would).
     */
    public static FuncLatencyTracer attach(String binary, String symbol, Optional<Integer> pid, Unit unit) {
        return attach(List.of(FuncLatencyPrograms.Function.user(binary, symbol)), false, pid, unit, 1);
    }

    /**
     * Times {@code functions} (user-space or kernel ones): one histogram for all, or one per
     * function with {@code perFunction}; nested calls down to {@code levels} deep.
     */
    public static FuncLatencyTracer attach(List<FuncLatencyPrograms.Function> functions, boolean perFunction,
                                           Optional<Integer> pid, Unit unit, int levels) {
        return new FuncLatencyTracer(functions, perFunction, pid, unit, levels);
    }

    private int valueBytes() {
        return histograms * FuncLatencyPrograms.SLOTS * Long.BYTES;
    }

    private void attach(ProbeProgram probe, BpfMap starts, LinkOptions options) {
        BpfProgram program = keep(BpfProgram.load(ProgramSpec.of(probe).license("GPL").maps(starts, hist)));
        keep(program.attach(probe.target(), options));
    }

    /** The functions timed, in the order of their histograms with {@code perFunction}. */
    public List<FuncLatencyPrograms.Function> functions() {
        return functions;
    }

    /** The histogram's unit. */
    public Unit unit() {
        return unit;
    }

    /**
     * The calls counted since the previous call (since attaching, the first time), of the first
     * histogram.
     */
    public Log2Histogram takeHistogram() {
        return takeHistograms().get(0);
    }

    /**
     * The calls counted since the previous call, one histogram per function with
     * {@code perFunction}, else one. The map only ever grows; the difference of two readings is
     * taken here, so no call is lost or counted twice, as could happen if user space zeroed the
     * map while the probe adds to it.
     */
    public synchronized List<Log2Histogram> takeHistograms() {
        long[][] now = totals();
        List<Log2Histogram> out = new ArrayList<>(histograms);
        for (int h = 0; h < histograms; h++) {
            long[] counts = new long[Log2Histogram.BUCKETS];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = now[h][i] - taken[h][i];
            }
            long sum = now[h][Log2Histogram.BUCKETS] - taken[h][Log2Histogram.BUCKETS];
            taken[h] = now[h];
            out.add(new Log2Histogram(counts, sum));
        }
        return out;
    }

    /**
     * Everything counted since attaching, per histogram: {@link Log2Histogram#BUCKETS} counts then
     * the sum, as the kernel keeps them (for a Prometheus histogram, which is cumulative).
     */
    public long[][] totals() {
        byte[] value = hist.lookup(new byte[4]).orElse(new byte[valueBytes()]);
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        long[][] out = new long[histograms][FuncLatencyPrograms.SLOTS];
        for (int h = 0; h < histograms; h++) {
            for (int i = 0; i < FuncLatencyPrograms.SLOTS; i++) {
                out[h][i] = b.getLong((h * FuncLatencyPrograms.SLOTS + i) * Long.BYTES);
            }
        }
        return out;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.push(resource);
        return resource;
    }

    /** Detaches the probes and closes the maps. */
    @Override
    public void close() {
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                // Already closed by the kernel's side: nothing left to undo.
            }
        }
    }
}
