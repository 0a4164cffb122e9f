package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bpf4j.ringbuf.internal.LeakGuard;
import io.bpf4j.ringbuf.testing.RingBufProducer;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelFds;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Readers and pollers dropped without close, and closed while another thread uses them. */
@KernelTest
class ReaderLifetimeKernelTest {

    @Test
    void readersAndPollersDroppedWithoutCloseAreClosedByTheCleanerWithAWarning() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(LeakGuard.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        log.addAppender(warnings);
        log.setAdditive(false); // 40 expected warnings: kept here, not printed
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_dropped", 1 << 14));
             BpfMap other = BpfMap.create(MapSpec.ringBuf("rb_dropped2", 1 << 14))) {
            long before = KernelFds.count();
            for (int i = 0; i < 20; i++) {
                RingBufferReader.open(map).consume((data, offset, length) -> { });
                RingBufferPoller.create().add(map, (data, offset, length) -> { }).add(other, rec -> { }).consume();
            }
            assertTrue(KernelFds.count() >= before + 40, "the dropped readers still hold their fds before a GC");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (KernelFds.count() != before && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(before, KernelFds.count(), "the cleaner closed every dropped reader's epoll fd and eventfd");
            long readers = warnings.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("ring buffer reader of map 'rb_dropped' was never closed"))
                    .count();
            long pollers = warnings.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("ring buffer poller was never closed"))
                    .count();
            assertEquals(20, readers, "one warning per dropped reader");
            assertEquals(20, pollers, "one warning per dropped poller");
            assertTrue(warnings.list.get(0).getFormattedMessage().contains("try-with-resources"));
        } finally {
            log.detachAppender(warnings);
            log.setAdditive(true);
        }
    }

    @Test
    void aClosedReaderNoLongerGivesOutItsEpollFd() {
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_epfd", 1 << 14))) {
            RingBufferReader reader = RingBufferReader.open(map);
            assertTrue(reader.epollFd() >= 0);
            reader.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, reader::epollFd);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            RingBufferPoller poller = RingBufferPoller.create();
            poller.close();
            assertThrows(IllegalStateException.class, poller::epollFd);
        }
    }

    /**
     * At least 1,000,000 operations from two threads (a consumer polling, draining, reading and
     * spinning; an observer asking for stats and the epoll fd) race with a close, round after
     * round; right after each close the test opens eventfds, which take the numbers the reader
     * released. No operation may act on them: an eventfd counter that moves, an eventfd that is
     * closed, or an operation failing with anything but "closed" is a use on a wrong object.
     */
    @Test
    void closingWhileOtherThreadsUseTheReaderNeverTouchesAReusedFd() throws Exception {
        Kernel kernel = Kernel.system();
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        long ops = 0;
        int rounds = 0;
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_race", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map)) {
            long seq = 0;
            while (ops < 1_000_000 && rounds < 200_000) { // a loaded machine runs fewer operations per round
                rounds++;
                RingBufferReader reader = RingBufferReader.open(map);
                producer.produce(4, 16, seq, RingBufProducer.NO_WAKEUP);
                seq += 4;
                AtomicBoolean go = new AtomicBoolean();
                Future<Long> consumer = threads.submit(() -> useUntilClosed(reader, go, true));
                Future<Long> observer = threads.submit(() -> useUntilClosed(reader, go, false));
                go.set(true);
                long until = System.nanoTime() + 50_000 + rnd.nextInt(450_000);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                reader.close();
                int[] sentinels = new int[4];
                for (int i = 0; i < sentinels.length; i++) {
                    sentinels[i] = kernel.eventfd(0, Kernel.EFD_CLOEXEC | Kernel.EFD_NONBLOCK);
                }
                ops += consumer.get(30, TimeUnit.SECONDS) + observer.get(30, TimeUnit.SECONDS);
                for (int fd : sentinels) {
                    assertEquals(0, kernel.eventfdRead(fd), "fd " + fd + " (a fresh eventfd) was written by a closed reader"
                            + " (seed " + seed + ")");
                    kernel.close(fd); // throws EBADF if the reader had closed it
                }
            }
        } finally {
            threads.shutdownNow();
        }
        System.out.printf("use vs close: %d operations in %d rounds, none on a wrong fd (seed %d)%n", ops, rounds, seed);
        assertTrue(ops >= 1_000_000, ops + " operations");
    }

    /** Operations until one says the reader is closed; returns how many ran. */
    private static long useUntilClosed(RingBufferReader reader, AtomicBoolean go, boolean consumer) {
        while (!go.get()) {
            Thread.onSpinWait();
        }
        ByteBuffer dst = ByteBuffer.allocate(64);
        long n = 0;
        RawRecordHandler none = (data, offset, length) -> { };
        try {
            while (true) {
                n++;
                if (!consumer) {
                    reader.stats();
                    reader.epollFd();
                    continue;
                }
                switch ((int) (n & 7)) {
                    case 0 -> reader.poll(Duration.ofNanos(1), none);   // really enters epoll_wait
                    case 1 -> reader.busyPoll(Duration.ofNanos(1), none);
                    case 2 -> reader.read(dst.clear());
                    case 3 -> reader.consume(rec -> { });
                    default -> reader.consume(none);
                }
            }
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("closed")) {
                throw new AssertionError("expected the closed-reader error, got: " + e.getMessage(), e);
            }
            return n;
        } catch (BpfException e) {
            throw new AssertionError("an operation reached a wrong fd: " + e.getMessage(), e);
        }
    }
}
