package io.bpf4j.examples;

import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The user-space side of {@code funclatency}: the maps, the two uprobes of
 * {@link FuncLatencyPrograms}, and reading (and resetting) the histogram.
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

    private static final int SLOTS_BYTES = Log2Histogram.BUCKETS * Long.BYTES;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final BpfMap hist;
    /** The counts already handed out by {@link #takeHistogram()}. */
    private final long[] taken = new long[Log2Histogram.BUCKETS];

    private FuncLatencyTracer(String binary, String symbol, Optional<Integer> pid, Unit unit) {
        boolean ok = false;
        try {
            BpfMap starts = keep(BpfMap.create(MapSpec.lruHash("lat_starts", Long.BYTES, Long.BYTES, 10_240)));
            hist = keep(BpfMap.create(MapSpec.array("lat_hist", SLOTS_BYTES, 1)));
            FuncLatencyPrograms programs = new FuncLatencyPrograms(binary, symbol, pid, unit.nanos());
            attach(programs.entry(), starts);
            attach(programs.exit(), starts);
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
        return new FuncLatencyTracer(binary, symbol, pid, unit);
    }

    private void attach(ProbeProgram probe, BpfMap starts) {
        BpfProgram program = keep(BpfProgram.load(ProgramSpec.of(probe).license("GPL").maps(starts, hist)));
        keep(program.attach());
    }

    /**
     * The calls counted since the previous call (since attaching, the first time). The map only
     * ever grows; the difference of two readings is taken here, so no call is lost or counted
     * twice, as could happen if user space zeroed the map while the probe adds to it.
     */
    public Log2Histogram takeHistogram() {
        byte[] value = hist.lookup(new byte[4]).orElse(new byte[SLOTS_BYTES]);
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        long[] counts = new long[Log2Histogram.BUCKETS];
        for (int i = 0; i < counts.length; i++) {
            long now = b.getLong(i * Long.BYTES);
            counts[i] = now - taken[i];
            taken[i] = now;
        }
        return new Log2Histogram(counts);
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.push(resource);
        return resource;
    }

    /** Detaches the uprobes and closes the maps. */
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
