package io.bpf4j.ringbuf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void closeWithNobodyInsideReleasesAtOnce() {
        AtomicInteger released = new AtomicInteger();
        Lifecycle life = new Lifecycle(released::incrementAndGet);
        assertTrue(life.close(() -> {
            throw new AssertionError("no consumer to signal");
        }));
        assertEquals(1, released.get());
        assertFalse(life.close(() -> { }), "second close is a no-op");
        assertFalse(life.enterConsumer());
        assertEquals(1, released.get());
    }

    @Test
    void closeDuringAConsumerSignalsItAndTheConsumerReleasesOnExit() {
        AtomicInteger released = new AtomicInteger();
        AtomicInteger signalled = new AtomicInteger();
        Lifecycle life = new Lifecycle(released::incrementAndGet);
        assertTrue(life.enterConsumer());
        life.close(signalled::incrementAndGet);
        assertEquals(1, signalled.get());
        assertEquals(0, released.get(), "memory stays mapped while the consumer is inside");
        assertTrue(life.isClosed());
        life.exitConsumer();
        assertEquals(1, released.get());
        assertTrue(life.isReleased());
    }

    @Test
    void aSecondConsumerIsRefused() {
        Lifecycle life = new Lifecycle(() -> { });
        assertTrue(life.enterConsumer());
        assertThrows(IllegalStateException.class, life::enterConsumer);
        life.exitConsumer();
        assertTrue(life.enterConsumer());
        life.exitConsumer();
    }

    /**
     * A consumer entering and leaving in a loop while another thread closes at a random moment:
     * the release runs exactly once, never while the consumer is inside, and the signal's resources
     * (released by the release) are never used after it.
     */
    @Test
    void racingCloseReleasesExactlyOnceAndNeverUnderTheConsumer() throws Exception {
        for (int i = 0; i < 2000; i++) {
            AtomicBoolean inside = new AtomicBoolean();
            AtomicBoolean gone = new AtomicBoolean();
            AtomicInteger released = new AtomicInteger();
            Lifecycle life = new Lifecycle(() -> {
                if (inside.get()) {
                    throw new AssertionError("released under the consumer");
                }
                gone.set(true);
                released.incrementAndGet();
            });
            CountDownLatch started = new CountDownLatch(1);
            Thread consumer = new Thread(() -> {
                started.countDown();
                while (life.enterConsumer()) {
                    inside.set(true);
                    Thread.onSpinWait();
                    inside.set(false);
                    life.exitConsumer();
                }
            });
            consumer.start();
            started.await();
            life.close(() -> {
                if (gone.get()) {
                    throw new AssertionError("signalled after the release");
                }
            });
            consumer.join(Duration.ofSeconds(10).toMillis());
            assertFalse(consumer.isAlive());
            assertEquals(1, released.get());
        }
    }
}
