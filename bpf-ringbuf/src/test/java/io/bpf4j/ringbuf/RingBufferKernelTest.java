package io.bpf4j.ringbuf;

import io.bpf4j.core.RingBufRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bpf4j.ringbuf.testing.RingBufProducer;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.VerifierException;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reader on real ring buffers, fed by {@link RingBufProducer} through BPF_PROG_TEST_RUN. */
@KernelTest
class RingBufferKernelTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void readsEveryCommittedRecordOnceInOrderAcrossManyWrapsSkippingDiscarded() {
        int ringSize = 1 << 20;
        long discardEvery = 7;
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_wraps", ringSize));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            long[] expect = {0};
            long[] lastKtime = {0};
            RawRecordHandler check = (data, offset, length) -> {
                long seq = data.getLong(offset);
                if (expect[0] % discardEvery == 0) {
                    expect[0]++; // discarded by the producer: never handed over
                }
                if (seq != expect[0]) {
                    throw new AssertionError("expected seq " + expect[0] + ", got " + seq);
                }
                if (length != RingBufProducer.mixedSize(seq)) {
                    throw new AssertionError("seq " + seq + ": length " + length + ", expected " + RingBufProducer.mixedSize(seq));
                }
                long ktime = data.getLong(offset + 8);
                if (ktime < lastKtime[0]) {
                    throw new AssertionError("seq " + seq + ": ktime went back");
                }
                lastKtime[0] = ktime;
                expect[0]++;
            };
            long total = 10_000_000;
            int perRun = 10_000; // 10k mixed records ~ 980 KB: fits the 1 MiB ring
            long seq = 0;
            while (seq < total) {
                assertEquals(0, producer.produceMixed(perRun, seq, RingBufProducer.NO_WAKEUP, discardEvery));
                seq += perRun;
                long discardedNow = multiplesBelow(seq, discardEvery) - multiplesBelow(seq - perRun, discardEvery);
                assertEquals(perRun - discardedNow, reader.consume(check));
            }
            assertEquals(total, expect[0], "the last record (not a discarded one) was seen");
            RingBufferStats s = reader.stats();
            long discarded = multiplesBelow(total, discardEvery);
            assertEquals(total - discarded, s.records());
            assertEquals(discarded, s.discarded());
            assertTrue(s.bytes() > 100L * ringSize, "the ring wrapped many times: " + s);
        }
    }

    /** How many of 0, 1, ..., n - 1 are multiples of {@code k}. */
    private static long multiplesBelow(long n, long k) {
        return (n + k - 1) / k;
    }

    @Test
    void drainsTheAnchorsSizeClasses() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_anchor", 1 << 24));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            long seq = 0;
            for (int size : new int[] {16, 64, 256}) {
                int n = (1 << 24) / RingBufRecord.span(size) - 16;
                long best = Long.MAX_VALUE;
                for (int round = 0; round < 5; round++) {
                    assertEquals(0, producer.produce(n, size, seq, RingBufProducer.NO_WAKEUP));
                    long[] expect = {seq};
                    long t0 = System.nanoTime();
                    int got = reader.consume((data, offset, length) -> {
                        if (data.getLong(offset) != expect[0]++ || length != size) {
                            throw new AssertionError("record " + (expect[0] - 1) + " of size " + size);
                        }
                    });
                    best = Math.min(best, System.nanoTime() - t0);
                    assertEquals(n, got);
                    seq += n;
                }
                // Not an assertion: a first impression of speed (bpf-bench's JMH measures it properly).
                System.out.printf("ringbuf drain size=%d: %d records, best of 5 %.2f ns/record (checking handler)%n", size, n,
                        best / (double) n);
            }
        }
    }

    @Test
    void bothLoopFormsEmitTheSameRecordsWhereTheKernelHasMayGotoElseItsRefusalIsExplained() {
        if (!Features.system().hasMayGoto()) {
            // Before Linux 6.9 the may_goto form is refused, and the error says why.
            try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_loops", 1 << 16))) {
                VerifierException e = assertThrows(VerifierException.class,
                        () -> RingBufProducer.load(map, RingBufProducer.Loop.MAY_GOTO).close());
                assertTrue(e.getMessage().contains("may_goto 6.9"), e.getMessage());
            }
            return;
        }
        List<List<Long>> seen = new ArrayList<>();
        for (RingBufProducer.Loop loop : new RingBufProducer.Loop[] {null, RingBufProducer.Loop.MAY_GOTO}) {
            try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_loops", 1 << 16));
                 RingBufProducer producer = loop == null ? RingBufProducer.load(map) : RingBufProducer.load(map, loop);
                 RingBufferReader reader = RingBufferReader.open(map)) {
                System.out.println("producer loop: " + producer.loop());
                List<Long> records = new ArrayList<>();
                assertEquals(0, producer.produceMixed(40, 1000, 0, 3));
                assertEquals(0, producer.produceEmpty(2, 0));
                reader.consume((data, offset, length) -> {
                    records.add((long) length);
                    records.add(length >= 8 ? data.getLong(offset) : -1);
                });
                seen.add(records);
            }
        }
        assertEquals(2 * (40 - 13 + 2), seen.get(0).size());
        assertEquals(seen.get(0), seen.get(1));
    }

    /** The in-place path allocates nothing per record or per call: what the drain speed rests on. */
    @Test
    void consumingInPlaceAllocatesNothing() throws Exception {
        // Looked up reflectively: tests compile inside module io.bpf4j.ringbuf, which does not read
        // java.management; they run on the class path. HotSpot (JDK 17 and 25) has the counter.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.invoke.MethodHandle allocatedBytes = java.lang.invoke.MethodHandles.publicLookup()
                .findVirtual(Class.forName("com.sun.management.ThreadMXBean"), "getThreadAllocatedBytes",
                        java.lang.invoke.MethodType.methodType(long.class, long.class))
                .bindTo(threads); // invokeExact(long): no boxing, nothing allocated by the measurement
        long me = Thread.currentThread().getId();
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_alloc", 1 << 22));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            long[] sum = {0};
            RawRecordHandler handler = (data, offset, length) -> sum[0] += data.getLong(offset);
            long seq = 0;
            long allocated = 0;
            for (int round = 0; round < 5; round++) {
                producer.produce(100_000, 16, seq, RingBufProducer.NO_WAKEUP);
                seq += 100_000;
                long before = allocatedBytes(allocatedBytes, me);
                int n = 0;
                for (int batch = 0; batch < 100; batch++) { // many small calls too: per-call cost is zero as well
                    n += reader.consume(1000, handler);
                }
                allocated = allocatedBytes(allocatedBytes, me) - before;
                assertEquals(100_000, n);
            }
            // Less than one 16-byte object per call, so nothing per call or per record. (JDK 25 shows 0;
            // JDK 17 a constant ~128 bytes from the JVM, whatever the number of records.)
            assertTrue(allocated < 100 * 16, allocated + " bytes allocated draining 100,000 records in 100 calls");
        }
    }

    private static long allocatedBytes(java.lang.invoke.MethodHandle counter, long thread) {
        try {
            return (long) counter.invokeExact(thread);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void zeroLengthRecordsAreDelivered() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_empty", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            assertEquals(0, producer.produceEmpty(3, 0));
            List<Integer> lengths = new ArrayList<>();
            assertEquals(3, reader.consume((data, offset, length) -> lengths.add(length)));
            assertEquals(List.of(0, 0, 0), lengths);
        }
    }

    @Test
    void aThrowingHandlerStopsAtItsRecordWhichComesAgainNextCall() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_throw", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            producer.produce(10, 16, 0, 0);
            List<Long> seen = new ArrayList<>();
            IllegalStateException boom = new IllegalStateException("boom");
            RuntimeException e = assertThrows(RuntimeException.class, () -> reader.consume((data, offset, length) -> {
                long seq = data.getLong(offset);
                if (seq == 4) {
                    throw boom;
                }
                seen.add(seq);
            }));
            assertSame(boom, e);
            assertEquals(List.of(0L, 1L, 2L, 3L), seen);
            assertEquals(6, reader.poll(Duration.ZERO, (data, offset, length) -> seen.add(data.getLong(offset))));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
            producer.produce(1, 16, 10, 0);
            assertEquals(1, reader.consume((data, offset, length) -> seen.add(data.getLong(offset))));
            assertEquals(10L, seen.get(10));
        }
    }

    @Test
    void aMapThatIsNotARingBufferIsAClearError() {
        try (BpfMap hash = BpfMap.create(MapSpec.hash("not_a_ring", 4, 8, 16))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingBufferReader.open(hash));
            assertTrue(e.getMessage().contains("not_a_ring") && e.getMessage().contains("not a ring buffer")
                    && e.getMessage().contains("it is a BPF_MAP_TYPE_HASH, expected BPF_MAP_TYPE_RINGBUF"), e.getMessage());
        }
    }

    @Test
    void readCopiesRecordsIntoTheCallersBufferAndViewsStartAtZero() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_read", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            producer.produce(3, 64, 100, 0);
            ByteBuffer dst = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
            assertEquals(64, reader.read(dst));
            assertEquals(100, dst.getLong(0));
            assertThrows(IllegalArgumentException.class, () -> reader.read(dst), "36 bytes left: the record stays");
            dst.clear();
            assertEquals(64, reader.read(dst));
            assertEquals(101, dst.getLong(0));
            List<Long> seqs = new ArrayList<>();
            assertEquals(1, reader.consume(rec -> {
                assertEquals(0, rec.position());
                assertEquals(64, rec.remaining());
                assertTrue(rec.isReadOnly());
                seqs.add(rec.getLong(0));
            }));
            assertEquals(List.of(102L), seqs);
            assertEquals(-1, reader.read(dst));
        }
    }

    @Test
    void pollBlocksUntilOneRecordWakesIt() throws Exception {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_wake", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            for (int round = 0; round < 20; round++) {
                long[] latency = {-1};
                long seq = round;
                CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG, (data, offset, length) -> {
                    assertEquals(seq, data.getLong(offset));
                    latency[0] = System.nanoTime() - data.getLong(offset + 8);
                }));
                Thread.sleep(round % 4); // sometimes before the poll blocks, sometimes after
                producer.produce(1, 16, seq, 0); // default flags: the kernel wakes the consumer
                assertEquals(1, polled.get(LONG.toSeconds() + 5, TimeUnit.SECONDS), "woken by one record, not by the timeout");
                // bpf_ktime_get_ns() and System.nanoTime() are both CLOCK_MONOTONIC: the difference is a latency.
                assertTrue(latency[0] >= 0 && latency[0] < Duration.ofSeconds(10).toNanos(), "same clock: " + latency[0]);
            }
            assertTrue(reader.stats().wakeups() > 0, reader.stats().toString());
            assertEquals(20, reader.stats().polls());
        }
    }

    @Test
    void busyPollSeesARecordWithoutEpoll() throws Exception {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_spin", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.busyPoll(LONG,
                    (data, offset, length) -> assertEquals(42, data.getLong(offset))));
            producer.produce(1, 16, 42, RingBufProducer.NO_WAKEUP); // no wake-up needed: it spins
            assertEquals(1, polled.get(LONG.toSeconds() + 5, TimeUnit.SECONDS));
            assertEquals(0, reader.busyPoll(Duration.ofMillis(1), 1, false, (data, offset, length) -> fail("nothing there")));
            assertEquals(new RingBufferStats(1, 0, 24, 2, 1), reader.stats());
        }
    }

    @Test
    void aRecordOnAnyRingWakesTheSharedPoller() throws Exception {
        int rings = 3;
        List<BpfMap> maps = new ArrayList<>();
        List<RingBufProducer> producers = new ArrayList<>();
        try (RingBufferPoller poller = RingBufferPoller.create()) {
            long[][] got = new long[rings][];
            for (int i = 0; i < rings; i++) {
                BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_multi" + i, 1 << 16));
                maps.add(map);
                producers.add(RingBufProducer.load(map));
                int ring = i;
                poller.add(map, (RawRecordHandler) (data, offset, length) -> got[ring] = new long[] {data.getLong(offset)});
            }
            assertTrue(poller.epollFd() >= 0);
            for (int round = 0; round < 3 * rings; round++) {
                int ring = (round * 2) % rings;
                java.util.Arrays.fill(got, null);
                CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> poller.poll(LONG));
                Thread.sleep(1);
                producers.get(ring).produce(1, 16, round, 0);
                assertEquals(1, polled.get(LONG.toSeconds() + 5, TimeUnit.SECONDS));
                for (int i = 0; i < rings; i++) {
                    if (i == ring) {
                        assertEquals(round, got[i][0], "ring " + i + "'s handler got its record");
                    } else {
                        assertEquals(null, got[i], "ring " + i + " had nothing");
                    }
                }
            }
            assertEquals(3 * rings, poller.stats().records());
            assertEquals(3, poller.ringStats().get(1).records());
        } finally {
            producers.forEach(RingBufProducer::close);
            maps.forEach(BpfMap::close);
        }
    }

    @Test
    void aNullHandlerIsRefusedByNameBeforeWaiting() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_null", 1 << 16));
             RingBufferReader reader = RingBufferReader.open(map)) {
            for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> reader.poll(Duration.ofSeconds(5), (RecordHandler) null),
                    () -> reader.poll(Duration.ofSeconds(5), (RawRecordHandler) null),
                    () -> reader.consume((RawRecordHandler) null),
                    () -> reader.busyPoll(Duration.ofSeconds(5), null))) {
                long start = System.nanoTime();
                NullPointerException e = assertThrows(NullPointerException.class, call);
                assertTrue(e.getMessage().contains("handler is null"), e.getMessage());
                assertTrue(System.nanoTime() - start < 4_000_000_000L, "refused at once, not after the timeout");
            }
        }
    }
}
