package io.bpf4j.ringbuf.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may touch the mapped memory, and when it is released. The memory is unmapped only once it
 * is closed and nobody is inside: a consumer (at most one at a time) or a closing thread that
 * is signalling the consumer's wake-up fd. Whoever leaves last runs the release, exactly once;
 * so a close from another thread never unmaps memory under a running drain, and never closes
 * the wake-up fd before it has been written.
 *
 * <pre>
 *  state bits: CLOSED (1 &lt;&lt; 30) | CONSUMER (1 &lt;&lt; 29) | references (low bits)
 * </pre>
 */
public final class Lifecycle {
    private static final int CLOSED = 1 << 30;
    private static final int CONSUMER = 1 << 29;
    private static final int REFS = CONSUMER - 1;

    private final AtomicInteger state = new AtomicInteger();
    private final Runnable release;

    /** {@code release} runs once, on the thread that leaves last after the close. */
    public Lifecycle(Runnable release) {
        this.release = release;
    }

    /**
     * Enters as the consumer.
     *
     * @return false if closed
     * @throws IllegalStateException if another consumer is inside (a second thread, or a handler
     *                               calling back into its own reader)
     */
    public boolean enterConsumer() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & CONSUMER) != 0) {
                throw new IllegalStateException("ring buffer reader already in use by another call: one consumer at a time"
                        + " (a handler must not call back into its own reader)");
            }
            if (state.compareAndSet(s, (s | CONSUMER) + 1)) {
                return true;
            }
        }
    }

    /** Leaves as the consumer; releases if closed meanwhile. */
    public void exitConsumer() {
        if (state.addAndGet(-(CONSUMER + 1)) == CLOSED) {
            release.run();
        }
    }

    /**
     * Marks closed and, while still holding a reference, runs {@code signal} if a consumer is
     * inside (to wake it); then leaves, releasing if nobody else is inside.
     *
     * @return false if it was already closed
     */
    public boolean close(Runnable signal) {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, (s | CLOSED) + 1)) {
                try {
                    if ((s & CONSUMER) != 0) {
                        signal.run();
                    }
                } finally {
                    if (state.addAndGet(-1) == CLOSED) {
                        release.run();
                    }
                }
                return true;
            }
        }
    }

    /** True once {@link #close} has run (the memory may still be mapped for a consumer inside). */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** True when closed and released (nobody inside). */
    public boolean isReleased() {
        return (state.get() & (REFS | CONSUMER)) == 0 && isClosed();
    }
}
