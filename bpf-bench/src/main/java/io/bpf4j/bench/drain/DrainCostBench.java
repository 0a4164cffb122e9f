package io.bpf4j.bench.drain;

import io.bpf4j.ringbuf.RawRecordHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a drained record's nanoseconds go, without the kernel: a ring of committed records in
 * plain memory laid out as the kernel lays them out (header, sample, padding; the data area
 * twice), drained by copies of the reader's loop from which one cost at a time is removed. Each
 * invocation moves the producer position on by one ring size: the same committed records are
 * read again, so every invocation drains exactly {@link #RECORDS} records of {@code size} bytes
 * (the last one of the lap a discarded filler). One op is one record.
 *
 * <ul>
 *   <li>{@code reader}: the loop of {@code Ring.drainBatches}: the next position predicted from
 *       the last header; runs of up to 256 headers equal to the prediction read plain, then one
 *       acquire fence per run before their samples are read; a header that is not the prediction
 *       read with acquire; the failing-record cursor stored and the stop flag read per record;
 *       release store and full fence per batch;</li>
 *   <li>{@code noFence}, {@code runsNoCursor}: {@code reader} without the fence per run (not a
 *       correct consumer) / without the cursor store; {@code runHeadersOnly}: {@code reader}
 *       finding the runs and handing nothing over;</li>
 *   <li>{@code acquireEach}: the loop before runs: prediction, and an acquire load of each
 *       header;</li>
 *   <li>{@code serialPositions}: the loop before the prediction: each position computed from
 *       the header just loaded, so each header load waits for the previous one;</li>
 *   <li>{@code noCursor}, {@code noStopCheck}: {@code serialPositions} without that per-record
 *       store / load;</li>
 *   <li>{@code plainHeaders}: headers read plain, then one acquire fence for the batch before
 *       any sample is read (the loads are then ordered as if each were an acquire);</li>
 *   <li>{@code walkOnly}: headers only, no handler; {@code floor}: plain loads, no checks at all
 *       (not a correct consumer: the lower bound of a Java loop over a ByteBuffer).</li>
 * </ul>
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar DrainCostBench -p size=16 -prof gc
 * java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.drain.DrainCostBench 16 2000         # interleaved, best of
 * sudo java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.drain.DrainCostBench kernel 16 300  # kernel-filled ring
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DrainCostBench {
    /** Records per drain (the side-by-side drain's count, the last one a filler). */
    public static final int RECORDS = 48_000;
    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /** Records at most per run, as in {@code Ring}. */
    private static final int RUN = 256;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    @Param({"16", "64", "256"})
    public int size;

    private ByteBuffer consumerPage;
    private ByteBuffer producerPage;
    private ByteBuffer data;
    private ByteBuffer view;
    private long mask;
    private long ringSize;
    private long cons;
    private long prod;
    private long cursor;
    private long batchStart;
    private boolean stopRequested;
    private volatile boolean stopping;

    private long nextSeq;
    private long firstSeq;
    private int expected = RECORDS - 1;
    private long seen;
    private long outOfOrder;
    private final RawRecordHandler handler = (d, offset, length) -> check(d.getLong(offset));

    private void check(long seq) {
        if (seq != nextSeq) {
            outOfOrder++;
        }
        nextSeq = seq + 1;
        seen++;
    }

    @Setup(Level.Trial)
    public void layOut() {
        int span = (size + 8 + 7) & ~7;
        long bytes = (long) span * (RECORDS - 1) + 8;
        ringSize = Long.highestOneBit(bytes - 1) << 1;
        int n = (int) ringSize;
        consumerPage = aligned(4096);
        producerPage = aligned(4096);
        ByteBuffer mem = aligned(2 * n);
        int pos = 0;
        for (int i = 0; i < RECORDS - 1; i++) {
            mem.putInt(pos, size);
            mem.putLong(pos + 8, i);
            pos += span;
        }
        mem.putInt(pos, DISCARD_BIT | (n - pos - 8)); // the filler up to the end of the lap
        mem.put(n, mem, 0, n);                         // the kernel maps the data pages twice
        data = mem;
        view = mem.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        mask = ringSize - 1;
    }

    private static ByteBuffer aligned(int n) {
        return ByteBuffer.allocateDirect(n + 4096).alignedSlice(4096).order(ByteOrder.nativeOrder());
    }

    @Setup(Level.Invocation)
    public void publishLap() {
        prod += ringSize;
        LONGS.setRelease(producerPage, 0, prod);
        nextSeq = firstSeq;
        seen = 0;
    }

    private void verify(int got) {
        if (got != expected || outOfOrder != 0) {
            throw new IllegalStateException("drained " + got + ", " + outOfOrder + " out of order");
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int serialPositions() {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        final RawRecordHandler handler = this.handler;
        long cons = this.cons;
        int total = 0;
        int limit = Integer.MAX_VALUE;
        while (true) {
            long prod = (long) LONGS.getAcquire(producerPage, 0);
            if (cons == prod) {
                break;
            }
            view.clear();
            batchStart = cons;
            cursor = cons;
            int remaining = limit - total;
            int delivered = 0;
            boolean busy = false;
            while (cons != prod) {
                int off = (int) (cons & mask);
                int header = (int) INTS.getAcquire(data, off);
                if ((header & BUSY_BIT) != 0) {
                    busy = true;
                    break;
                }
                int len = header & LENGTH_MASK;
                long next = cons + ((len + 8 + 7) & ~7L);
                if ((header & DISCARD_BIT) == 0) {
                    cursor = cons;
                    handler.onRecord(view, off + 8, len);
                    delivered++;
                }
                cons = next;
                if (delivered == remaining || stopRequested) {
                    break;
                }
            }
            publish(cons);
            total += delivered;
            if (busy || total == limit || stopRequested || stopping) {
                break;
            }
        }
        this.cons = cons;
        verify(total);
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int noCursor() {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        final RawRecordHandler handler = this.handler;
        long cons = this.cons;
        int total = 0;
        int limit = Integer.MAX_VALUE;
        while (true) {
            long prod = (long) LONGS.getAcquire(producerPage, 0);
            if (cons == prod) {
                break;
            }
            view.clear();
            batchStart = cons;
            int remaining = limit - total;
            int delivered = 0;
            boolean busy = false;
            while (cons != prod) {
                int off = (int) (cons & mask);
                int header = (int) INTS.getAcquire(data, off);
                if ((header & BUSY_BIT) != 0) {
                    busy = true;
                    break;
                }
                int len = header & LENGTH_MASK;
                long next = cons + ((len + 8 + 7) & ~7L);
                if ((header & DISCARD_BIT) == 0) {
                    handler.onRecord(view, off + 8, len);
                    delivered++;
                }
                cons = next;
                if (delivered == remaining || stopRequested) {
                    break;
                }
            }
            publish(cons);
            total += delivered;
            if (busy || total == limit || stopRequested || stopping) {
                break;
            }
        }
        this.cons = cons;
        verify(total);
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int noStopCheck() {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        final RawRecordHandler handler = this.handler;
        long cons = this.cons;
        int total = 0;
        while (true) {
            long prod = (long) LONGS.getAcquire(producerPage, 0);
            if (cons == prod) {
                break;
            }
            view.clear();
            batchStart = cons;
            cursor = cons;
            int delivered = 0;
            boolean busy = false;
            while (cons != prod) {
                int off = (int) (cons & mask);
                int header = (int) INTS.getAcquire(data, off);
                if ((header & BUSY_BIT) != 0) {
                    busy = true;
                    break;
                }
                int len = header & LENGTH_MASK;
                long next = cons + ((len + 8 + 7) & ~7L);
                if ((header & DISCARD_BIT) == 0) {
                    cursor = cons;
                    handler.onRecord(view, off + 8, len);
                    delivered++;
                }
                cons = next;
            }
            publish(cons);
            total += delivered;
            if (busy || stopping) {
                break;
            }
        }
        this.cons = cons;
        verify(total);
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int plainHeaders() {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        final RawRecordHandler handler = this.handler;
        long cons = this.cons;
        int total = 0;
        while (true) {
            long prod = (long) LONGS.getAcquire(producerPage, 0);
            if (cons == prod) {
                break;
            }
            // Pass 1: how far the committed records go (plain loads), then one acquire fence.
            long end = cons;
            while (end != prod) {
                int header = data.getInt((int) (end & mask));
                if ((header & BUSY_BIT) != 0) {
                    break;
                }
                end += ((header & LENGTH_MASK) + 8 + 7) & ~7L;
            }
            VarHandle.acquireFence();
            view.clear();
            batchStart = cons;
            cursor = cons;
            int delivered = 0;
            while (cons != end) {
                int off = (int) (cons & mask);
                int header = data.getInt(off);
                int len = header & LENGTH_MASK;
                long next = cons + ((len + 8 + 7) & ~7L);
                if ((header & DISCARD_BIT) == 0) {
                    cursor = cons;
                    handler.onRecord(view, off + 8, len);
                    delivered++;
                }
                cons = next;
            }
            publish(cons);
            total += delivered;
            if (end != prod || stopping) {
                break;
            }
        }
        this.cons = cons;
        verify(total);
        return total;
    }

    /**
     * The reader's loop before runs ({@code Ring.drainBatches} until 2026-12-06 23:00): the next
     * record's position does not wait for this header's load: it is predicted (the last record's
     * span) and the header only checked against the prediction, a branch the CPU predicts, so
     * loads of several headers are in flight at once instead of one after the other (with
     * {@code next = cons + span(len)} every header load waits for the previous one). Each header
     * is read with acquire.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int acquireEach() {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        final RawRecordHandler handler = this.handler;
        long cons = this.cons;
        int total = 0;
        int limit = Integer.MAX_VALUE;
        int expectHeader = -1; // a header value never seen: BUSY | DISCARD | all length bits
        long expectSpan = 0;
        while (true) {
            long prod = (long) LONGS.getAcquire(producerPage, 0);
            if (cons == prod) {
                break;
            }
            view.clear();
            batchStart = cons;
            cursor = cons;
            int remaining = limit - total;
            int delivered = 0;
            boolean busy = false;
            while (cons != prod) {
                int off = (int) (cons & mask);
                int header = (int) INTS.getAcquire(data, off);
                long next = cons + expectSpan;
                if (header != expectHeader) {
                    if ((header & BUSY_BIT) != 0) {
                        busy = true;
                        break;
                    }
                    expectHeader = header;
                    expectSpan = ((header & LENGTH_MASK) + 8 + 7) & ~7L;
                    next = cons + expectSpan;
                    if ((header & DISCARD_BIT) != 0) {
                        cons = next;
                        continue;
                    }
                }
                cursor = cons;
                handler.onRecord(view, off + 8, header & LENGTH_MASK);
                delivered++;
                cons = next;
                if (delivered == remaining || stopRequested) {
                    break;
                }
            }
            publish(cons);
            total += delivered;
            if (busy || total == limit || stopRequested || stopping) {
                break;
            }
        }
        this.cons = cons;
        verify(total);
        return total;
    }

    /**
     * The reader's loop ({@code Ring.drainBatches}): runs of records whose header is the
     * predicted one are found with plain header loads, then one acquire fence orders all of them
     * before their samples are read; a header that is not the prediction is read with acquire.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int reader() {
        return runs(true, true, true);
    }

    /** {@link #reader} without the fence per run (not a correct consumer: what the fence costs). */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int noFence() {
        return runs(false, true, true);
    }

    /** {@link #reader} without the per-record store of the failing-record cursor. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int runsNoCursor() {
        return runs(true, false, true);
    }

    /** {@link #reader} finding the runs but handing nothing over: the header walk alone. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int runHeadersOnly() {
        return runs(true, true, false);
    }

    private int runs(boolean fence, boolean storeCursor, boolean deliver) {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        final RawRecordHandler handler = this.handler;
        long cons = this.cons;
        int total = 0;
        int limit = Integer.MAX_VALUE;
        while (true) {
            long prod = (long) LONGS.getAcquire(producerPage, 0);
            if (cons == prod) {
                break;
            }
            view.clear();
            batchStart = cons;
            cursor = cons;
            int remaining = limit - total;
            int delivered = 0;
            boolean busy = false;
            int expectHeader = 0;
            long expectSpan = 8;
            records:
            while (cons != prod) {
                int max = Math.min(RUN, remaining - delivered);
                int run = 0;
                for (long pos = cons; run < max && pos != prod; pos += expectSpan) {
                    if ((int) INTS.get(data, (int) (pos & mask)) != expectHeader) {
                        break;
                    }
                    run++;
                }
                if (run > 0) {
                    if (fence) {
                        VarHandle.acquireFence();
                    }
                    if (!deliver) {
                        cons += run * expectSpan;
                        delivered += run;
                        continue;
                    }
                    for (int i = 0; i < run; i++) {
                        if (storeCursor) {
                            cursor = cons;
                        }
                        handler.onRecord(view, (int) (cons & mask) + 8, expectHeader);
                        cons += expectSpan;
                        if (stopRequested) {
                            delivered += i + 1;
                            break records;
                        }
                    }
                    delivered += run;
                    if (delivered == remaining) {
                        break;
                    }
                    continue;
                }
                int off = (int) (cons & mask);
                int header = (int) INTS.getAcquire(data, off);
                if ((header & BUSY_BIT) != 0) {
                    busy = true;
                    break;
                }
                long span = ((header & LENGTH_MASK) + 8 + 7) & ~7L;
                long next = cons + span;
                if ((header & DISCARD_BIT) != 0) {
                    cons = next;
                    continue;
                }
                expectHeader = header;
                expectSpan = span;
                cursor = cons;
                if (deliver) {
                    handler.onRecord(view, off + 8, header & LENGTH_MASK);
                }
                delivered++;
                cons = next;
                if (delivered == remaining || stopRequested) {
                    break;
                }
            }
            publish(cons);
            total += delivered;
            if (busy || total == limit || stopRequested || stopping) {
                break;
            }
        }
        this.cons = cons;
        if (deliver) {
            verify(total);
        }
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int walkOnly() {
        final ByteBuffer data = this.data;
        final long mask = this.mask;
        long cons = this.cons;
        long prod = (long) LONGS.getAcquire(producerPage, 0);
        int delivered = 0;
        while (cons != prod) {
            int header = (int) INTS.getAcquire(data, (int) (cons & mask));
            if ((header & BUSY_BIT) != 0) {
                break;
            }
            if ((header & DISCARD_BIT) == 0) {
                delivered++;
            }
            cons += ((header & LENGTH_MASK) + 8 + 7) & ~7L;
        }
        publish(cons);
        this.cons = cons;
        return delivered;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int floor() {
        final ByteBuffer data = this.data;
        final long mask = this.mask;
        long cons = this.cons;
        long prod = (long) LONGS.getAcquire(producerPage, 0);
        int delivered = 0;
        while (cons != prod) {
            int off = (int) (cons & mask);
            int header = data.getInt(off);
            if ((header & DISCARD_BIT) == 0) {
                check(data.getLong(off + 8));
                delivered++;
            }
            cons += ((header & LENGTH_MASK) + 8 + 7) & ~7L;
        }
        publish(cons);
        this.cons = cons;
        verify(delivered);
        return delivered;
    }

    /**
     * The same variants interleaved, best of {@code ROUNDS} drains each (the least disturbed on a
     * shared machine, as the side-by-side's statistic): {@code DrainCostBench SIZE [ROUNDS]}.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("kernel")) {
            kernel(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 200);
            return;
        }
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        DrainCostBench b = new DrainCostBench();
        b.size = size;
        b.layOut();
        String[] names = {"serialPositions", "noCursor", "noStopCheck", "plainHeaders", "walkOnly", "floor", "acquireEach",
            "noFence", "runsNoCursor", "runHeadersOnly", "reader"};
        long[] best = new long[names.length];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        for (int r = -300; r < rounds; r++) {
            for (int v = 0; v < names.length; v++) {
                b.publishLap();
                long t0 = System.nanoTime();
                switch (v) {
                    case 0 -> b.serialPositions();
                    case 1 -> b.noCursor();
                    case 2 -> b.noStopCheck();
                    case 3 -> b.plainHeaders();
                    case 4 -> b.walkOnly();
                    case 5 -> b.floor();
                    case 6 -> b.acquireEach();
                    case 7 -> b.noFence();
                    case 8 -> b.runsNoCursor();
                    case 9 -> b.runHeadersOnly();
                    default -> b.reader();
                }
                long dt = System.nanoTime() - t0;
                if (r >= 0) {
                    best[v] = Math.min(best[v], dt);
                }
            }
        }
        for (int v = 0; v < names.length; v++) {
            System.out.printf(java.util.Locale.ROOT, "%-13s size=%d best %.3f ns/record%n", names[v], size,
                    best[v] / (double) RECORDS);
        }
    }

    /**
     * The variants over a real ring the kernel fills: {@code DrainCostBench kernel SIZE [ROUNDS]}.
     * Each round the producer program writes 48,000 records, then one variant drains them.
     */
    static void kernel(int size, int rounds) {
        io.bpf4j.syscall.Kernel k = io.bpf4j.syscall.Kernel.system();
        try (io.bpf4j.syscall.BpfMap ring = io.bpf4j.bench.kernel.Producer.createRing("bench_cost");
             io.bpf4j.bench.kernel.Producer producer = io.bpf4j.bench.kernel.Producer.load(ring)) {
            int page = 4096;
            int n = io.bpf4j.bench.kernel.Producer.RING_BYTES;
            io.bpf4j.syscall.MappedRegion c = k.mmap(page, io.bpf4j.syscall.Kernel.PROT_READ | io.bpf4j.syscall.Kernel.PROT_WRITE,
                    io.bpf4j.syscall.Kernel.MAP_SHARED, ring.fd(), 0);
            io.bpf4j.syscall.MappedRegion p = k.mmap(page + 2L * n, io.bpf4j.syscall.Kernel.PROT_READ,
                    io.bpf4j.syscall.Kernel.MAP_SHARED, ring.fd(), page);
            DrainCostBench b = new DrainCostBench();
            b.size = size;
            b.consumerPage = c.buffer();
            b.producerPage = p.buffer().slice(0, page).order(ByteOrder.nativeOrder());
            b.data = p.buffer().slice(page, 2 * n).order(ByteOrder.nativeOrder());
            b.view = b.data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            b.ringSize = n;
            b.mask = n - 1L;
            b.expected = RECORDS;
            b.cons = (long) LONGS.getAcquire(b.consumerPage, 0);
            long seq = 0;
            String[] names = {"serialPositions", "noCursor", "noStopCheck", "walkOnly", "floor", "acquireEach", "noFence",
                "runsNoCursor", "runHeadersOnly", "reader"};
            long[] best = new long[names.length];
            java.util.Arrays.fill(best, Long.MAX_VALUE);
            for (int r = -200; r < rounds; r++) {
                for (int v = 0; v < names.length; v++) {
                    producer.emit(RECORDS, size, seq, io.bpf4j.bench.kernel.Producer.NO_WAKEUP);
                    b.firstSeq = seq;
                    b.nextSeq = seq;
                    b.seen = 0;
                    seq += RECORDS;
                    long t0 = System.nanoTime();
                    switch (v) {
                        case 0 -> b.serialPositions();
                        case 1 -> b.noCursor();
                        case 2 -> b.noStopCheck();
                        case 3 -> b.walkOnly();
                        case 4 -> b.floor();
                        case 5 -> b.acquireEach();
                        case 6 -> b.noFence();
                        case 7 -> b.runsNoCursor();
                        case 8 -> b.runHeadersOnly();
                        default -> b.reader();
                    }
                    long dt = System.nanoTime() - t0;
                    if (r >= 0) {
                        best[v] = Math.min(best[v], dt);
                    }
                }
            }
            for (int v = 0; v < names.length; v++) {
                System.out.printf(java.util.Locale.ROOT, "kernel %-13s size=%d best %.3f ns/record  %.1f M/s%n", names[v], size,
                        best[v] / (double) RECORDS, RECORDS * 1e3 / best[v]);
            }
            k.munmap(p);
            k.munmap(c);
        }
    }

    private void publish(long pos) {
        LONGS.setRelease(consumerPage, 0, pos);
        VarHandle.fullFence();
    }
}
