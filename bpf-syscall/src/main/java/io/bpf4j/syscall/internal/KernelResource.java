package io.bpf4j.syscall.internal;

import io.bpf4j.syscall.Kernel;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of one public object (a map, a program, a link): its fd and any extra clean-up
 * (more fds, mappings). Closed exactly once: by {@link #close()} or, if the owner becomes
 * unreachable first, by the shared {@link Cleaner}, which logs the leak at WARN naming the
 * object. The state the cleaner runs never refers back to the owner, so an owner that is still
 * referenced is never cleaned (a link stays attached while someone holds it).
 */
public final class KernelResource {
    private static final Logger LOG = LoggerFactory.getLogger(KernelResource.class);
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "bpf4j-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final State state;
    private final Cleaner.Cleanable cleanable;

    private static final class State implements Runnable {
        final Kernel kernel;
        final String description;
        final int fd;
        final List<Runnable> extra = new ArrayList<>(0);
        volatile boolean explicit;

        State(Kernel kernel, String description, int fd) {
            this.kernel = kernel;
            this.description = description;
            this.fd = fd;
        }

        @Override
        public void run() {
            if (!explicit) {
                LOG.warn("{} was never closed: closing it now (fd {}). Close kernel objects with try-with-resources.",
                        description, fd);
            }
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
                if (explicit) {
                    throw first;
                }
                LOG.warn("closing leaked {} failed: {}", description, first.toString());
            }
        }
    }

    private volatile boolean closed;

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
        if (closed) {
            throw new IllegalStateException(state.description + " is closed");
        }
        state.extra.add(action);
    }

    /** The fd; throws a clear error once closed. */
    public int fd() {
        if (closed) {
            throw new IllegalStateException(state.description + " is closed; it cannot be used again");
        }
        return state.fd;
    }

    /** The fd even if closed (for messages), -1 if none. */
    public int rawFd() {
        return state.fd;
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    /** The description given at creation. */
    public String description() {
        return state.description;
    }

    /** Releases everything; a second call does nothing. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        state.explicit = true;
        cleanable.clean();
    }
}
