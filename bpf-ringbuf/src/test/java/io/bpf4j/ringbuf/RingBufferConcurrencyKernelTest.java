package io.bpf4j.ringbuf;

import io.bpf4j.core.RingBufRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ringbuf.testing.RingBufProducer;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two producers test-running at once (the scheduler puts them on both CPUs of this machine) while a
 * consumer drains: records from both interleave, commits complete out of order (one producer's
 * BUSY record holds up the other's committed ones), and every record is accounted for.
 */
@KernelTest
class RingBufferConcurrencyKernelTest {
    private static final int PRODUCERS = 2;
    private static final long PRODUCER_SHIFT = 40; // seq = producer << 40 | n

    /** Per producer: the next sequence number expected, and how many arrived. */
    private static final class Tally implements RawRecordHandler {
        final long[] next = new long[PRODUCERS];
        final long[] received = new long[PRODUCERS];
        final boolean gapsAllowed;
        volatile long total;
        int lastProducer = -1;
        long switches; // how often the stream went from one producer's record to the other's

        Tally(boolean gapsAllowed) {
            this.gapsAllowed = gapsAllowed;
        }

        @Override
        public void onRecord(java.nio.ByteBuffer data, int offset, int length) {
            long seq = data.getLong(offset);
            int p = (int) (seq >>> PRODUCER_SHIFT);
            long n = seq & ((1L << PRODUCER_SHIFT) - 1);
            if (gapsAllowed ? n < next[p] : n != next[p]) {
                throw new AssertionError("producer " + p + ": expected " + (gapsAllowed ? "at least " : "") + next[p]
                        + ", got " + n);
            }
            next[p] = n + 1;
            received[p]++;
            if (p != lastProducer) {
                switches++;
                lastProducer = p;
            }
            total = total + 1;
        }
    }

    /** One thread per producer (the common pool has a single thread on two CPUs). */
    private final ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void twoProducersAndADrainingConsumerLoseNothingWhileTheRingNeverFills() throws Exception {
        int ringSize = 1 << 22;
        long capacityRecords = ringSize / RingBufRecord.span(16);
        int perRun = 1000;
        int runs = 1000;
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_two_cpus", ringSize));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            Tally tally = new Tally(false);
            AtomicLong attempted = new AtomicLong();
            List<CompletableFuture<Long>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                long base = (long) p << PRODUCER_SHIFT;
                producers.add(CompletableFuture.supplyAsync(() -> {
                    long dropped = 0;
                    for (int r = 0; r < runs; r++) {
                        // Back-pressure in Java, so that the ring never fills: at most half of it in flight,
                        // counting as consumed only what the reader has published (stats count at publish).
                        while (attempted.get() - reader.stats().records() > capacityRecords / 2) {
                            LockSupport.parkNanos(10_000);
                        }
                        attempted.addAndGet(perRun);
                        dropped += producer.produce(perRun, 16, base + (long) r * perRun, 0);
                    }
                    return dropped;
                }, threads));
            }
            long expected = (long) PRODUCERS * perRun * runs;
            while (tally.total < expected) {
                reader.poll(Duration.ofMillis(100), tally);
            }
            for (CompletableFuture<Long> f : producers) {
                assertEquals(0L, f.get(30, TimeUnit.SECONDS), "no failed reservation: the ring never filled");
            }
            for (int p = 0; p < PRODUCERS; p++) {
                assertEquals((long) perRun * runs, tally.received[p], "producer " + p + ": every record exactly once");
            }
            assertEquals(0, reader.consume(tally));
            System.out.println("two producers: the stream switched producer " + tally.switches + " times; " + reader.stats());
        }
    }

    /**
     * Single records with the default wake-up policy (the kernel wakes the consumer only when it
     * commits the record at the published consumer position) from two threads, while the consumer
     * sleeps in epoll between them. A lost wake-up leaves a record in the ring while poll sleeps
     * through its whole timeout and returns 0: that must never happen while records are coming.
     */
    @Test
    void noWakeUpIsLostUnderAStreamOfSingleRecords() throws Exception {
        int perProducer = 5000;
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_wakeups", 1 << 20));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            Tally tally = new Tally(false);
            List<CompletableFuture<Long>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                long base = (long) p << PRODUCER_SHIFT;
                producers.add(CompletableFuture.supplyAsync(() -> {
                    long dropped = 0;
                    for (int i = 0; i < perProducer; i++) {
                        LockSupport.parkNanos(20_000);
                        dropped += producer.produce(1, 16, base + i, 0);
                    }
                    return dropped;
                }, threads));
            }
            long expected = (long) PRODUCERS * perProducer;
            while (tally.total < expected) {
                long t0 = System.nanoTime();
                int n = reader.poll(Duration.ofSeconds(5), tally);
                boolean sleptThroughTimeout = System.nanoTime() - t0 >= Duration.ofSeconds(5).toNanos(); // not EINTR
                if (n == 0 && sleptThroughTimeout && tally.total < expected && reader.consume(tally) > 0) {
                    throw new AssertionError("poll slept 5 s with records in the ring: a lost wake-up after "
                            + tally.total + " records");
                }
            }
            for (CompletableFuture<Long> f : producers) {
                assertEquals(0L, f.get(30, TimeUnit.SECONDS));
            }
            System.out.println("single-record stream: " + reader.stats());
        }
    }

    @Test
    void whenTheRingFillsConsumedPlusFailedEqualsAttempted() throws Exception {
        int ringSize = 1 << 14;
        int perRun = 5000; // 120 KB per run into 16 KiB: reservations fail
        int runs = 100;
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_full", ringSize));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            Tally tally = new Tally(true);
            List<CompletableFuture<Long>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                long base = (long) p << PRODUCER_SHIFT;
                producers.add(CompletableFuture.supplyAsync(() -> {
                    long dropped = 0;
                    for (int r = 0; r < runs; r++) {
                        dropped += producer.produce(perRun, 16, base + (long) r * perRun, 0);
                    }
                    return dropped;
                }, threads));
            }
            while (!producers.stream().allMatch(CompletableFuture::isDone)) {
                reader.poll(Duration.ofMillis(10), tally);
            }
            reader.consume(tally);
            long attemptedEach = (long) perRun * runs;
            long failedTotal = 0;
            for (int p = 0; p < PRODUCERS; p++) {
                long failed = producers.get(p).get();
                failedTotal += failed;
                assertEquals(attemptedEach, tally.received[p] + failed, "producer " + p + ": consumed + failed = attempted");
            }
            assertTrue(failedTotal > 0, "the ring did fill");
        }
    }
}
