package io.bpf4j.ringbuf.internal;

import java.lang.ref.Cleaner;
import org.slf4j.Logger;

/**
 * The safety net of a reader or poller dropped without {@code close()}: once its owner is
 * unreachable, a {@link Cleaner} closes the epoll set (its fds, mappings and with them the
 * kernel's hold on the ring) and logs the leak at WARN, as maps, programs and links do. The
 * action refers to the {@link EpollRings}, never to the owner, so an owner still in use is never
 * cleaned; the owner's methods keep it reachable until they return
 * ({@code Reference.reachabilityFence}), so a call in progress is never closed under it.
 *
 * <pre>{@code
 * LeakGuard guard = new LeakGuard(this, rings, "ring buffer reader of map 'events'");
 * guard.close(); // from the owner's close(): no warning
 * }</pre>
 */
public final class LeakGuard {
    private static final Logger LOG = Logs.get(LeakGuard.class);
    static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "bpf4j-ringbuf-cleaner");
        t.setDaemon(true);
        return t;
    });

    private static final class Action implements Runnable {
        final EpollRings rings;
        final String description;
        volatile boolean explicit;

        Action(EpollRings rings, String description) {
            this.rings = rings;
            this.description = description;
        }

        @Override
        public void run() {
            if (!explicit) {
                LOG.warn("{} was never closed: closing it now (epoll fd {}, {} ring(s)). Close readers and pollers with"
                        + " try-with-resources.", description, rings.rawEpollFd(), rings.size());
            }
            rings.close();
        }
    }

    private final Action action;
    private final Cleaner.Cleanable cleanable;

    /** Watches {@code owner}; {@code description} names it in the warning. */
    public LeakGuard(Object owner, EpollRings rings, String description) {
        this.action = new Action(rings, description);
        this.cleanable = CLEANER.register(owner, action);
    }

    /** The owner's explicit close: closes the rings now, without a warning. Idempotent. */
    public void close() {
        action.explicit = true;
        cleanable.clean();
    }
}
