package io.bpf4j.ringbuf;

import io.bpf4j.core.RingBufRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ringbuf.internal.Ring;
import io.bpf4j.ringbuf.internal.RingMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The drain logic over a {@link SimulatedRing}: no kernel needed. */
class RingDrainTest {

    /** Checks each delivered record against what {@link SimulatedRing#fill} wrote. */
    static final class Checker implements RawRecordHandler {
        final List<long[]> expected; // {seq, len}
        int next;

        Checker(List<long[]> expected) {
            this.expected = expected;
        }

        @Override
        public void onRecord(ByteBuffer data, int offset, int length) {
            long[] e = expected.get(next);
            assertEquals(e[1], length, "length of record " + next);
            int i = 0;
            if (length >= 8) {
                assertEquals(e[0], data.getLong(offset), "seq of record " + next);
                i = 8;
            }
            for (; i < length; i++) {
                if (SimulatedRing.expectedByte(e[0], i) != data.get(offset + i)) {
                    assertEquals(SimulatedRing.expectedByte(e[0], i), data.get(offset + i), "byte " + i + " of record " + next);
                }
            }
            next++;
        }
    }

    @Test
    void readsRecordsInOrderAcrossManyWraps() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        SimulatedRing sim = new SimulatedRing(8192);
        Ring ring = sim.consumer();
        long seq = 0;
        long total = 0;
        long discarded = 0;
        for (int round = 0; round < 400; round++) {
            List<long[]> expected = new ArrayList<>();
            while (true) {
                int len = rnd.nextInt(8) == 0 ? rnd.nextInt(1000) : rnd.nextInt(40);
                boolean discard = rnd.nextInt(5) == 0;
                if (!sim.emit(seq, len, discard)) {
                    break;
                }
                if (discard) {
                    discarded++;
                } else {
                    expected.add(new long[] {seq, len});
                }
                seq++;
            }
            Checker checker = new Checker(expected);
            assertEquals(expected.size(), ring.drain(checker, Integer.MAX_VALUE), "seed " + seed);
            assertEquals(expected.size(), checker.next, "seed " + seed);
            total += expected.size();
        }
        assertTrue(ring.consumerPosition() > 100 * 8192L, "the ring wrapped many times");
        assertEquals(total, ring.stats().records());
        assertEquals(discarded, ring.stats().discarded());
        assertEquals(ring.producerPosition(), ring.consumerPosition());
    }

    @Test
    void recordStraddlingTheEndIsContiguousThroughTheSecondMapping() {
        SimulatedRing sim = new SimulatedRing(4096);
        sim.startAt(4096 - 16); // header at 4080, sample runs to 4080 + 8 + 100
        assertTrue(sim.emit(77, 100, false));
        Checker checker = new Checker(List.<long[]>of(new long[] {77, 100}));
        assertEquals(1, sim.consumer().drain(checker, Integer.MAX_VALUE));
    }

    @Test
    void positionsWorkAcrossUnsignedOverflow() {
        SimulatedRing sim = new SimulatedRing(4096);
        sim.startAt(-4096L * 3); // 2^64 - 12 KiB: the counters wrap past zero
        Ring ring = sim.consumer();
        long seq = 0;
        for (int round = 0; round < 10; round++) {
            List<long[]> expected = new ArrayList<>();
            while (sim.emit(seq, 24, false)) {
                expected.add(new long[] {seq++, 24});
            }
            assertEquals(expected.size(), ring.drain(new Checker(expected), Integer.MAX_VALUE));
        }
        assertTrue(ring.consumerPosition() > 0, "went past 2^64: " + ring.consumerPosition() + " after " + seq);
    }

    @Test
    void busyRecordStopsTheDrainUntilCommitted() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 16, false);
        assertTrue(sim.reserve(16));
        long pos = sim.reserved;
        sim.fill(pos, 1, 16);
        sim.emit(2, 16, false);
        List<Long> seen = new ArrayList<>();
        RawRecordHandler h = (d, o, l) -> seen.add(d.getLong(o));
        assertEquals(1, ring.drain(h, Integer.MAX_VALUE));
        assertEquals(pos, ring.consumerPosition(), "stopped at the BUSY record");
        assertEquals(pos, RingMemory.getLongAcquire(sim.consumerPage, 0), "and published that");
        assertEquals(0, ring.drain(h, Integer.MAX_VALUE));
        sim.commit(pos, 16, false);
        assertEquals(2, ring.drain(h, Integer.MAX_VALUE));
        assertEquals(List.of(0L, 1L, 2L), seen);
    }

    @Test
    void discardedRecordsAreSkippedButAdvanceThePosition() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 40, true);
        sim.emit(1, 16, false);
        sim.emit(2, 8, true);
        List<Long> seen = new ArrayList<>();
        assertEquals(1, ring.drain((d, o, l) -> seen.add(d.getLong(o)), Integer.MAX_VALUE));
        assertEquals(List.of(1L), seen);
        assertEquals(ring.producerPosition(), ring.consumerPosition());
        assertEquals(2, ring.stats().discarded());
        assertEquals(48 + 24 + 16, ring.stats().bytes(), "ring bytes: headers, padding and discarded records");
    }

    @Test
    void zeroLengthRecordIsDeliveredAndTakesEightBytes() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 0, false);
        sim.emit(1, 8, false);
        List<Integer> lengths = new ArrayList<>();
        assertEquals(2, ring.drain((d, o, l) -> lengths.add(l), Integer.MAX_VALUE));
        assertEquals(List.of(0, 8), lengths);
        assertEquals(8 + 16, ring.consumerPosition());
    }

    /**
     * The drain predicts each next position from the last delivered header: runs of one size,
     * a discarded record and a BUSY one of that same size, zero-length records (the initial
     * prediction) must all still come out exactly as the kernel wrote them.
     */
    @Test
    void predictedPositionsNeverDeliverADiscardedOrBusyRecordOfTheSameSize() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 0, false);
        sim.emit(1, 0, false);
        sim.emit(2, 16, false);
        sim.emit(3, 16, false);
        sim.emit(4, 16, true);
        sim.emit(4, 16, true);
        sim.emit(5, 16, false);
        sim.emit(6, 0, true);
        sim.emit(7, 0, false);
        sim.emit(8, 24, false);
        sim.emit(9, 16, false);
        assertTrue(sim.reserve(16));
        long busy = sim.reserved;
        List<Long> seen = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        RawRecordHandler h = (d, o, l) -> {
            lengths.add(l);
            seen.add(l >= 8 ? d.getLong(o) : -1L);
        };
        assertEquals(8, ring.drain(h, Integer.MAX_VALUE));
        assertEquals(List.of(-1L, -1L, 2L, 3L, 5L, -1L, 8L, 9L), seen);
        assertEquals(List.of(0, 0, 16, 16, 16, 0, 24, 16), lengths);
        assertEquals(busy, ring.consumerPosition(), "stopped at the BUSY record");
        assertEquals(3, ring.stats().discarded());
        sim.fill(busy, 10, 16);
        sim.commit(busy, 16, false);
        assertEquals(1, ring.drain(h, Integer.MAX_VALUE));
        assertEquals(10L, seen.get(8));
    }

    /**
     * Records of one size are delivered in runs (headers read plain, one fence per run of up to
     * 256): a run longer than that, a limit inside a run, a BUSY record of the same size ending a
     * run, and a stop requested by the handler inside a run.
     */
    @Test
    void runsOfOneSizeStopAtTheLimitAtABusyRecordAndAtAStop() {
        SimulatedRing sim = new SimulatedRing(65536);
        Ring ring = sim.consumer();
        for (int i = 0; i < 700; i++) {
            sim.emit(i, 16, false);
        }
        assertTrue(sim.reserve(16));
        long busy = sim.reserved;
        List<Long> seen = new ArrayList<>();
        RawRecordHandler h = (d, o, l) -> {
            assertEquals(16, l);
            seen.add(d.getLong(o));
        };
        assertEquals(300, ring.drain(h, 300));
        assertEquals(300 * 24, ring.consumerPosition());
        assertEquals(390, ring.drain((d, o, l) -> {
            h.onRecord(d, o, l);
            if (seen.size() == 690) {
                ring.requestStop(); // as the reader's close from inside the handler
            }
        }, Integer.MAX_VALUE));
        assertEquals(690 * 24, ring.consumerPosition(), "stopped right after the record that asked");
        Ring again = sim.consumer();
        assertEquals(10, again.drain(h, Integer.MAX_VALUE));
        assertEquals(busy, again.consumerPosition(), "stopped at the BUSY record of the same size");
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i), "seq of record " + i);
        }
        sim.fill(busy, 700, 16);
        sim.commit(busy, 16, false);
        assertEquals(1, again.drain(h, Integer.MAX_VALUE));
        assertEquals(700L, seen.get(700));
    }

    @Test
    void concurrentProducerOfOneSizeLosesNothingAndDuplicatesNothing() throws Exception {
        SimulatedRing sim = new SimulatedRing(16384);
        Ring ring = sim.consumer();
        final long n = 300_000;
        Thread producer = new Thread(() -> {
            long seq = 0;
            while (seq < n) {
                if (sim.emit(seq, 24, false)) {
                    seq++;
                } else {
                    Thread.yield(); // the ring is full: let the consumer run
                }
            }
        });
        producer.start();
        long[] expect = {0};
        RawRecordHandler h = (d, o, l) -> {
            long s = d.getLong(o);
            if (s != expect[0] || l != 24) {
                throw new AssertionError("expected seq " + expect[0] + " of 24 bytes, got " + s + " of " + l);
            }
            for (int i = 8; i < 24; i++) {
                if (d.get(o + i) != SimulatedRing.expectedByte(s, i)) {
                    throw new AssertionError("seq " + s + ": byte " + i + " not yet written when delivered");
                }
            }
            expect[0]++;
        };
        while (producer.isAlive() || ring.look() != Ring.EMPTY) {
            ring.drain(h, Integer.MAX_VALUE);
        }
        producer.join();
        assertEquals(n, expect[0], "every committed record once, in order");
    }

    /** What a spinning consumer watches: the record at its position, reserved and not yet committed. */
    @Test
    void lookIsReservedOnlyWhileTheRecordAtThePositionIsReservedAndNotCommitted() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        assertEquals(Ring.EMPTY, ring.look(), "empty ring (its zero header looks committed: the position says it is not)");
        assertTrue(sim.reserve(16));
        long first = sim.reserved;
        assertTrue(sim.reserve(16));
        long second = sim.reserved;
        assertEquals(Ring.RESERVED, ring.look(), "reserved, not committed");
        sim.fill(second, 1, 16);
        sim.commit(second, 16, false);
        assertEquals(Ring.RESERVED, ring.look(), "a later record's commit does not free the first");
        sim.fill(first, 0, 16);
        sim.commit(first, 16, false);
        assertEquals(Ring.READY, ring.look(), "committed");
        assertEquals(2, ring.drain((d, o, l) -> { }, Integer.MAX_VALUE));
        assertEquals(Ring.EMPTY, ring.look(), "drained");
        assertTrue(sim.reserve(8));
        sim.commit(sim.reserved, 8, true);
        assertEquals(Ring.READY, ring.look(), "a discarded record is not BUSY: a drain skips it");
    }

    /** After a lap the header at the position is an old committed one: only the position tells. */
    @Test
    void lookIsEmptyOverAnOldLapsCommittedHeader() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        int half = 4096 / 2 / 32; // records of 24 bytes span 32: two batches fill one lap exactly
        long seq = 0;
        for (int batch = 0; batch < 6; batch++) {
            for (int i = 0; i < half; i++) {
                assertTrue(sim.reserve(24));
                sim.fill(sim.reserved, seq++, 24);
                sim.commit(sim.reserved, 24, false);
            }
            assertEquals(Ring.READY, ring.look());
            assertEquals(half, ring.drain((d, o, l) -> { }, Integer.MAX_VALUE));
            if (batch >= 1) {
                assertEquals(24, sim.data.getInt((int) (ring.consumerPosition() & 4095)),
                        "the header at the position is an old lap's committed record");
            }
            assertEquals(Ring.EMPTY, ring.look(), "batch " + batch);
        }
    }

    @Test
    void consumerPositionIsPublishedOncePerBatchNotPerRecord() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        for (int i = 0; i < 10; i++) {
            sim.emit(i, 16, false);
        }
        List<Long> publishedDuringBatch = new ArrayList<>();
        ring.drain((d, o, l) -> publishedDuringBatch.add(RingMemory.getLongAcquire(sim.consumerPage, 0)), Integer.MAX_VALUE);
        assertEquals(10, publishedDuringBatch.size());
        assertTrue(publishedDuringBatch.stream().allMatch(p -> p == 0), publishedDuringBatch.toString());
        assertEquals(10 * 24, RingMemory.getLongAcquire(sim.consumerPage, 0));
    }

    @Test
    void limitStopsAfterThatManyRecordsAndTheRestComeNextTime() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        for (int i = 0; i < 10; i++) {
            sim.emit(i, 16, i == 3); // one discarded: not counted against the limit
        }
        List<Long> seen = new ArrayList<>();
        RawRecordHandler h = (d, o, l) -> seen.add(d.getLong(o));
        assertEquals(4, ring.drain(h, 4));
        assertEquals(List.of(0L, 1L, 2L, 4L), seen);
        assertEquals(5 * 24, RingMemory.getLongAcquire(sim.consumerPage, 0));
        assertEquals(5, ring.drain(h, 100));
        assertEquals(List.of(0L, 1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
    }

    @Test
    void throwingHandlerStopsAtThatRecordWhichIsDeliveredAgain() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        for (int i = 0; i < 5; i++) {
            sim.emit(i, 16, false);
        }
        RuntimeException boom = new IllegalStateException("boom");
        List<Long> seen = new ArrayList<>();
        RawRecordHandler failsOnTwo = (d, o, l) -> {
            long s = d.getLong(o);
            if (s == 2 && !seen.contains(-2L)) {
                seen.add(-2L);
                throw boom;
            }
            seen.add(s);
        };
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> ring.drain(failsOnTwo, Integer.MAX_VALUE));
        assertSame(boom, thrown);
        assertEquals(2 * 24, ring.consumerPosition(), "positioned at the failing record");
        assertEquals(2 * 24, RingMemory.getLongAcquire(sim.consumerPage, 0));
        assertEquals(2, ring.stats().records());
        assertEquals(2 * 24, ring.stats().bytes());
        assertEquals(3, ring.drain(failsOnTwo, Integer.MAX_VALUE));
        assertEquals(List.of(0L, 1L, -2L, 2L, 3L, 4L), seen);
        assertEquals(ring.producerPosition(), ring.consumerPosition());
    }

    @Test
    void throwingAfterDiscardedRecordsCountsWhatWentBefore() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 16, false);
        sim.emit(1, 16, true);
        sim.emit(2, 16, false);
        sim.emit(3, 16, false);
        assertThrows(IllegalStateException.class, () -> ring.drain((d, o, l) -> {
            if (d.getLong(o) == 3) {
                throw new IllegalStateException("three");
            }
        }, Integer.MAX_VALUE));
        assertEquals(3 * 24, ring.consumerPosition());
        assertEquals(new RingBufferStats(2, 1, 3 * 24, 0, 0), ring.stats());
        assertEquals(1, ring.drain((d, o, l) -> assertEquals(3, d.getLong(o)), Integer.MAX_VALUE));
        assertEquals(new RingBufferStats(3, 1, 4 * 24, 0, 0), ring.stats());
    }

    @Test
    void throwingInALaterBatchKeepsWhatEarlierBatchesConsumed() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 16, false);
        sim.emit(1, 16, false);
        boolean[] thrown = {false};
        List<Long> seen = new ArrayList<>();
        RawRecordHandler h = (d, o, l) -> {
            long s = d.getLong(o);
            if (s == 1) { // produced while the first batch drains: the drain reads them as a second batch
                sim.emit(2, 16, false);
                sim.emit(3, 16, false);
            }
            if (s == 3 && !thrown[0]) {
                thrown[0] = true;
                throw new IllegalStateException("three");
            }
            seen.add(s);
        };
        assertThrows(IllegalStateException.class, () -> ring.drain(h, Integer.MAX_VALUE));
        assertEquals(List.of(0L, 1L, 2L), seen);
        assertEquals(3 * 24, ring.consumerPosition());
        assertEquals(new RingBufferStats(3, 0, 3 * 24, 0, 0), ring.stats());
        assertEquals(1, ring.drain(h, Integer.MAX_VALUE));
        assertEquals(List.of(0L, 1L, 2L, 3L), seen);
    }

    @Test
    void aThrownErrorIsHandledLikeAnException() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 16, false);
        sim.emit(1, 16, false);
        assertThrows(AssertionError.class, () -> ring.drain((d, o, l) -> {
            if (d.getLong(o) == 1) {
                throw new AssertionError("one");
            }
        }, Integer.MAX_VALUE));
        assertEquals(24, ring.consumerPosition());
    }

    @Test
    void handlerMovingItsViewLimitDoesNotBreakLaterBatches() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 16, false);
        ring.drain((d, o, l) -> d.limit(0), Integer.MAX_VALUE);
        sim.emit(1, 16, false);
        long[] got = {-1};
        ring.drain((d, o, l) -> got[0] = d.getLong(o), Integer.MAX_VALUE);
        assertEquals(1, got[0]);
    }

    @Test
    void handlerViewIsReadOnlyInNativeOrder() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(5, 16, false);
        AtomicReference<ByteBuffer> view = new AtomicReference<>();
        ring.drain((d, o, l) -> view.set(d), 1);
        assertTrue(view.get().isReadOnly());
        assertEquals(ByteOrder.nativeOrder(), view.get().order());
    }

    @Test
    void readCopiesOneRecordIntoTheCallersBuffer() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        sim.emit(0, 12, true);
        sim.emit(9, 12, false);
        sim.emit(10, 20, false);
        ByteBuffer dst = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        assertEquals(12, ring.read(dst));
        assertEquals(12, dst.position());
        assertEquals(9, dst.getLong(0));
        assertEquals(SimulatedRing.expectedByte(9, 11), dst.get(11));
        ByteBuffer small = ByteBuffer.allocate(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ring.read(small));
        assertTrue(e.getMessage().contains("20 bytes"), e.getMessage());
        assertEquals(20, ring.read(dst), "a record too big for the buffer stays in the ring");
        assertEquals(10, dst.getLong(12));
        assertEquals(-1, ring.read(dst));
        assertEquals(ring.producerPosition(), RingMemory.getLongAcquire(sim.consumerPage, 0));
        assertEquals(2, ring.stats().records());
        assertEquals(1, ring.stats().discarded());
    }

    @Test
    void copyingHandlerHandsOverIndependentBuffers() {
        SimulatedRing sim = new SimulatedRing(4096);
        Ring ring = sim.consumer();
        List<ByteBuffer> copies = new ArrayList<>();
        for (int round = 0; round < 300; round++) { // wraps: the space is reused under the copies
            sim.emit(round, 24, false);
            ring.drain(RawRecordHandler.copying(copies::add), Integer.MAX_VALUE);
        }
        for (int i = 0; i < copies.size(); i++) {
            ByteBuffer c = copies.get(i);
            assertEquals(24, c.remaining());
            assertEquals(i, c.getLong(0));
            byte[] tail = new byte[16];
            c.get(8, tail);
            byte[] want = new byte[16];
            for (int k = 0; k < 16; k++) {
                want[k] = SimulatedRing.expectedByte(i, 8 + k);
            }
            assertArrayEquals(want, tail);
        }
    }

    @Test
    void concurrentProducerLosesNothingAndDuplicatesNothing() throws Exception {
        SimulatedRing sim = new SimulatedRing(16384);
        Ring ring = sim.consumer();
        final long n = 300_000;
        long[] failed = {0};
        Thread producer = new Thread(() -> {
            long seq = 0;
            while (seq < n) {
                int len = 8 + (int) (seq % 5) * 8;
                if (sim.emit(seq, len, seq % 7 == 0)) {
                    seq++;
                } else {
                    failed[0]++;
                    Thread.yield(); // the ring is full: let the consumer run (two cores, two threads)
                }
            }
        });
        producer.start();
        long[] expect = {1};
        RawRecordHandler h = (d, o, l) -> {
            long s = d.getLong(o);
            if (s != expect[0]) {
                throw new AssertionError("expected seq " + expect[0] + ", got " + s);
            }
            if (l != 8 + (int) (s % 5) * 8) {
                throw new AssertionError("seq " + s + ": length " + l);
            }
            expect[0]++;
            if (expect[0] % 7 == 0) {
                expect[0]++;
            }
        };
        while (producer.isAlive() || ring.look() != Ring.EMPTY) {
            ring.drain(h, Integer.MAX_VALUE);
        }
        producer.join();
        assertEquals(n, expect[0], "every committed record once, in order (" + failed[0] + " full-ring retries)");
        assertEquals(n / 7 + 1, ring.stats().discarded());
        assertEquals(Ring.EMPTY, ring.look(), "nothing left reserved");
    }

    @Test
    void sizesAreCheckedLikeTheKernel() {
        assertEquals(24, RingBufRecord.span(13));
        assertEquals(8, RingBufRecord.span(0));
        assertEquals(16, RingBufRecord.span(8));
        RingBufferLayout.checkDataSize(256 * 1024, 4096);
        assertThrows(IllegalArgumentException.class, () -> RingBufferLayout.checkDataSize(100_000, 4096));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RingBufferLayout.checkDataSize(2048, 4096));
        assertTrue(e.getMessage().contains("multiple of the page size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingBufferLayout.checkDataSize(1L << 31, 4096));
    }
}
