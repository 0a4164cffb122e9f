package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ringbuf.testing.RingBufProducer;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelFds;
import io.bpf4j.syscall.testing.KernelTest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a reader while another thread polls it. */
@KernelTest
class RingBufferCloseKernelTest {

    /** Maps, epoll sets and eventfds only: the JVM opens other fds lazily (jar files). */
    private static long openFds() {
        return KernelFds.count();
    }

    /**
     * Ten thousand times: a poller thread blocks in poll (or is draining records with a slow
     * handler) and the test thread closes the reader at a random moment. The poll must return 0
     * or a count, or throw the "closed" IllegalStateException if the close came first; the JVM
     * must not crash (unmapped memory touched) and no fd may leak (the release ran every time).
     */
    @Test
    void closeFromAnotherThreadWakesPollAndNeverTouchesUnmappedMemory() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        ExecutorService pollers = Executors.newSingleThreadExecutor();
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_close", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map)) {
            long fdsBefore = openFds();
            int returned = 0;
            int raised = 0;
            long[] lastSeq = {-1};
            long delivered = 0;
            long seq = 0;
            for (int i = 0; i < 10_000; i++) {
                RingBufferReader reader = RingBufferReader.open(map);
                boolean withData = i % 3 == 0;
                if (withData) { // what a closed reader left is read by a later one: seqs keep increasing
                    producer.produce(16, 16, seq, RingBufProducer.NO_WAKEUP);
                    seq += 16;
                }
                boolean[] started = {false};
                Object lock = new Object();
                Future<Integer> poll = pollers.submit(() -> {
                    synchronized (lock) {
                        started[0] = true;
                    }
                    try {
                        return reader.poll(Duration.ofSeconds(30), (data, offset, length) -> {
                            long s = data.getLong(offset);
                            if (s <= lastSeq[0]) {
                                throw new AssertionError("seq " + s + " after " + lastSeq[0] + ": delivered twice");
                            }
                            lastSeq[0] = s;
                            long until = System.nanoTime() + 2_000; // slow handler: close lands mid-drain
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                        });
                    } catch (IllegalStateException e) {
                        if (!e.getMessage().contains("closed")) {
                            throw e;
                        }
                        return -1;
                    }
                });
                while (true) {
                    synchronized (lock) {
                        if (started[0]) {
                            break;
                        }
                    }
                    Thread.onSpinWait();
                }
                long until = System.nanoTime() + rnd.nextInt(30_000);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                reader.close();
                int r = poll.get(10, TimeUnit.SECONDS);
                assertTrue(r >= -1, "poll returned " + r + " (seed " + seed + ")");
                if (r == -1) {
                    raised++;
                } else {
                    returned++;
                    delivered += r;
                }
                assertTrue(reader.isClosed());
                assertThrows(IllegalStateException.class, () -> reader.consume((data, offset, length) -> { }));
            }
            assertEquals(fdsBefore, openFds(), "every closed reader released its epoll fd and eventfd");
            assertTrue(delivered <= seq, delivered + " delivered of " + seq + " produced");
            System.out.printf("close during poll: %d polls returned, %d saw the reader already closed (seed %d)%n",
                    returned, raised, seed);
        } finally {
            pollers.shutdownNow();
        }
    }

    @Test
    void closeFromTheHandlerStopsTheDrainAndReleasesOnReturn() throws Exception {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_close_h", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map)) {
            long fdsBefore = openFds();
            RingBufferReader reader = RingBufferReader.open(map);
            producer.produce(10, 16, 0, RingBufProducer.NO_WAKEUP);
            int[] seen = {0};
            assertEquals(3, reader.consume((data, offset, length) -> {
                if (++seen[0] == 3) {
                    reader.close();
                }
            }));
            assertTrue(reader.isClosed());
            assertEquals(fdsBefore, openFds());
            reader.close(); // idempotent
        }
    }

    @Test
    void aSecondConsumerAtOnceIsRefused() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_reenter", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map);
             RingBufferReader reader = RingBufferReader.open(map)) {
            producer.produce(1, 16, 0, RingBufProducer.NO_WAKEUP);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> reader.consume((data, offset, length) -> reader.consume((d, o, l) -> { })));
            assertTrue(e.getMessage().contains("one consumer at a time"), e.getMessage());
            assertEquals(1, reader.consume((data, offset, length) -> { }), "the record was not lost");
        }
    }
}
