package io.bpf4j.bench.kernel;

import io.bpf4j.ringbuf.RawRecordHandler;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.syscall.BpfMap;
import java.util.Locale;

/**
 * The drain procedure of {@code src/reference/ringbuf_ref.c} on the bpf4j side: each round the
 * producer fills the ring with {@code records} records of {@code size} bytes
 * ({@code BPF_RB_NO_WAKEUP}), then one zero-copy {@link RingBufferReader#consume} drains them,
 * timed alone with {@link System#nanoTime()}; the handler checks the sequence numbers as the C
 * callback does. 200 untimed rounds first let the JIT compile the drain loop.
 *
 * <pre>{@code
 * String line = DrainRounds.run(16, 48_000, 20);   // "drain size=16 records=48000 rounds=20 mean_rps=..."
 * }</pre>
 */
public final class DrainRounds {
    private static final int WARM_UP_ROUNDS = 200;

    private long nextSeq;
    private long seen;
    private long outOfOrder;

    private DrainRounds() {
    }

    /** Runs the rounds and returns the result line, in the C reference's format. */
    public static String run(int size, int records, int rounds) {
        DrainRounds d = new DrainRounds();
        RawRecordHandler handler = (data, offset, length) -> {
            long seq = data.getLong(offset);
            if (seq != d.nextSeq) {
                d.outOfOrder++;
            }
            d.nextSeq = seq + 1;
            d.seen++;
        };
        try (BpfMap ring = Producer.createRing("bench_rounds");
             Producer producer = Producer.load(ring);
             RingBufferReader reader = RingBufferReader.open(ring)) {
            for (int r = 0; r < WARM_UP_ROUNDS; r++) {
                d.round(producer, reader, handler, size, records);
            }
            d.outOfOrder = 0;
            long totalNanos = 0;
            double best = 0;
            for (int r = 0; r < rounds; r++) {
                long dt = d.round(producer, reader, handler, size, records);
                best = Math.max(best, records * 1e9 / dt);
                totalNanos += dt;
            }
            long total = (long) records * rounds;
            return String.format(Locale.ROOT,
                    "drain size=%d records=%d rounds=%d mean_rps=%.0f best_rps=%.0f ns_per_record=%.3f seq_errors=%d",
                    size, records, rounds, total * 1e9 / totalNanos, best, (double) totalNanos / total, d.outOfOrder);
        }
    }

    private long round(Producer producer, RingBufferReader reader, RawRecordHandler handler, int size, int records) {
        long dropped = producer.emit(records, size, nextSeq, Producer.NO_WAKEUP);
        if (dropped != 0) {
            throw new IllegalStateException(dropped + " records dropped: ring too small");
        }
        seen = 0;
        long t0 = System.nanoTime();
        int got = reader.consume(handler);
        long dt = System.nanoTime() - t0;
        if (got != records || seen != records) {
            throw new IllegalStateException("consumed " + got + " of " + records);
        }
        return dt;
    }
}
