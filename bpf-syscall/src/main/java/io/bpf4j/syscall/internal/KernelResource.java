package io.bpf4j.syscall.internal;

import io.bpf4j.syscall.Kernel;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * The kernel side of one public object (a map, a program, a link): its fd and any extra clean-up
 * (more fds, mappings). Closed exactly once: by {@link #close()} or, if the owner becomes
 * unreachable first, by the shared {@link Cleaner}, which logs the leak at WARN naming the
 * object. The state the cleaner runs never refers back to the owner, so an owner that is still
 * referenced is never cleaned (a link stays attached while someone holds it).
 *
 * <p>Use versus close: an operation brackets its system call with {@link #acquire()} and
 * {@link #release()}, as the JDK counts the uses of a {@code FileDescriptor}. Closing marks the
 * resource closed at once (every later {@code acquire} throws), but the real {@code close(2)}
 * waits for the last use in flight to end, so a number the kernel hands out again after the close
 * can never be reached through this object.
 *
 * <pre>{@code
 * int fd = resource.acquire();          // throws IllegalStateException once closed
 * try {
 *     kernel.mapLookupElem(fd, key, value, 0);
 * } finally {
 *     resource.release();               // the last release after close() closes the fd
 * }
 * }</pre>
 */
public final class KernelResource {
    private static final Logger LOG = Logs.get(KernelResource.class);
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "bpf4j-cleaner");
        t.setDaemon(true);
        return t;
    });
    /** The sign bit of the use word: set once closed; the other bits count uses in flight. */
    private static final int CLOSED = Integer.MIN_VALUE;

    private final State state;
    private final Cleaner.Cleanable cleanable;

    private static final class State implements Runnable {
        final Kernel kernel;
        final String description;
        final int fd;
        final List<Runnable> extra = new ArrayList<>(0);
        /** {@link #CLOSED} bit | uses in flight. Here, not in the resource, so the cleaner sees it too. */
        final AtomicInteger uses = new AtomicInteger();
        volatile boolean explicit;

        State(Kernel kernel, String description, int fd) {
            this.kernel = kernel;
            this.description = description;
            this.fd = fd;
        }

        /** Runs once (Cleaner guarantees it): marks closed; releases now unless a use is in flight. */
        @Override
        public void run() {
            if (!explicit) {
                LOG.warn("{} was never closed: closing it now (fd {}). Close kernel objects with try-with-resources.",
                        description, fd);
            }
            int before = uses.getAndUpdate(u -> u | CLOSED);
            if (before == 0) {
                releaseAll(explicit);
            }
            // Otherwise the use that ends last calls releaseAll (see release()).
        }

        void releaseAll(boolean throwErrors) {
            RuntimeException first = null;
            for (int i = extra.size() - 1; i >= 0; i--) {
                try {
                    extra.get(i).run();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (fd >= 0) {
                try {
                    kernel.close(fd);
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                if (throwErrors) {
                    throw first;
                }
                LOG.warn("closing {} failed: {}", description, first.toString());
            }
        }
    }

    /**
     * @param owner the public object whose reachability decides when the cleaner may act
     * @param description names the object in logs: {@code map 'events' (RINGBUF)}
     * @param fd the fd to close, or -1 when all clean-up is in {@link #onClose}
     */
    public KernelResource(Object owner, Kernel kernel, String description, int fd) {
        this.state = new State(kernel, description, fd);
        this.cleanable = CLEANER.register(owner, state);
    }

    /** Adds clean-up that runs before the fd is closed (in reverse order of registration). */
    public synchronized void onClose(Runnable action) {
        if (isClosed() || state.explicit) {
            throw new IllegalStateException(state.description + " is closed");
        }
        state.extra.add(action);
    }

    /**
     * Starts a use: returns the fd, which stays this object's until the matching
     * {@link #release()} even if another thread closes it meanwhile.
     *
     * @throws IllegalStateException once closed
     */
    public int acquire() {
        AtomicInteger uses = state.uses;
        while (true) {
            int u = uses.get();
            if (u < 0) {
                throw closedError();
            }
            if (u == Integer.MAX_VALUE) {
                throw new IllegalStateException(state.description + ": more than " + u + " uses in flight");
            }
            if (uses.compareAndSet(u, u + 1)) {
                return state.fd;
            }
        }
    }

    /** Ends a use started by {@link #acquire()}; the last one after a close releases the fd. */
    public void release() {
        if (state.uses.decrementAndGet() == CLOSED) {
            // Closed while in use, and this was the last use: close(2) now. Errors cannot reach
            // the closing thread any more; they are logged.
            state.releaseAll(false);
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException(state.description + " is closed; it cannot be used again");
    }

    /**
     * The fd number while open (for identity and messages); throws a clear error once closed. The
     * number alone is not protected against a concurrent close: operations use {@link #acquire()}.
     */
    public int fd() {
        if (isClosed()) {
            throw closedError();
        }
        return state.fd;
    }

    /** The fd even if closed (for messages), -1 if none. */
    public int rawFd() {
        return state.fd;
    }

    /** True once closed (the fd itself may still be open until the last use in flight ends). */
    public boolean isClosed() {
        return state.uses.get() < 0;
    }

    /** The description given at creation. */
    public String description() {
        return state.description;
    }

    /**
     * Marks closed and releases everything, at once if no use is in flight, else when the last
     * one ends; a second call does nothing.
     */
    public void close() {
        synchronized (this) {
            if (isClosed() || state.explicit) {
                return;
            }
            state.explicit = true;
        }
        cleanable.clean();
    }
}
