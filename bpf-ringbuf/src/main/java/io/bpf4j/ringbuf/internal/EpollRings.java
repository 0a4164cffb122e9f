package io.bpf4j.ringbuf.internal;

import io.bpf4j.ringbuf.RawRecordHandler;
import io.bpf4j.ringbuf.RingBufferStats;
import io.bpf4j.syscall.EpollEvents;
import io.bpf4j.syscall.Kernel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * The machinery shared by the one-ring reader and the many-ring poller: one epoll set holding
 * every ring's map fd (tagged with the ring's index) and an eventfd that {@link #close} writes
 * to wake a blocked poll; the rings; the {@link Lifecycle} that keeps the memory mapped while a
 * consumer is inside.
 *
 * <p>A poll drains first (data already there costs no system call), then waits in
 * {@code epoll_wait} and drains again. The producer never waits for us: it wakes us only when it
 * commits the record at our published position ({@code bpf_ringbuf_commit}), which is why every
 * publish is followed by a full fence (see {@link Ring}).
 */
public final class EpollRings {
    private static final Logger LOG = Logs.get(EpollRings.class);
    private static final long WAKE_TAG = -1L;

    private final Kernel kernel;
    private final int epollFd;
    private final int wakeFd;
    private final EpollEvents events = new EpollEvents(32);
    private final Lifecycle life;
    private volatile MappedRing[] rings = new MappedRing[0]; // copy-on-add; close() reads it from any thread
    private RawRecordHandler[] handlers = new RawRecordHandler[0];
    private volatile long polls;
    private int nextRing;

    /** Creates the epoll set and its wake-up eventfd. */
    public EpollRings(Kernel kernel) {
        this.kernel = kernel;
        this.life = new Lifecycle(this::release);
        int ep = kernel.epollCreate1(Kernel.EPOLL_CLOEXEC);
        int wake = -1;
        try {
            wake = kernel.eventfd(0, Kernel.EFD_CLOEXEC | Kernel.EFD_NONBLOCK);
            kernel.epollCtl(ep, Kernel.EPOLL_CTL_ADD, wake, Kernel.EPOLLIN, WAKE_TAG);
        } catch (RuntimeException e) {
            if (wake >= 0) {
                kernel.close(wake);
            }
            kernel.close(ep);
            throw e;
        }
        this.epollFd = ep;
        this.wakeFd = wake;
    }

    /**
     * The epoll fd: readable when a ring has data (or the set is closing).
     *
     * @throws IllegalStateException once closed: the number may already belong to another file
     */
    public int epollFd() {
        if (life.isClosed()) {
            throw new IllegalStateException("ring buffer reader is closed: its epoll fd " + epollFd
                    + " is released (the number may already name another file)");
        }
        return epollFd;
    }

    /** The epoll fd even if closed, for messages. */
    int rawEpollFd() {
        return epollFd;
    }

    /** Rings added so far. */
    int size() {
        return rings.length;
    }

    /** The kernel this set calls. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * Maps the ring behind {@code mapFd} and adds it with its handler (null: the handler comes
     * with each call).
     */
    public MappedRing add(int mapFd, RawRecordHandler handler) {
        enter();
        try {
            for (MappedRing r : rings) {
                if (r.fd() == mapFd) {
                    throw new IllegalArgumentException("ring buffer '" + r.name() + "' (fd " + mapFd + ") is already in this poller");
                }
            }
            MappedRing ring = MappedRing.map(kernel, mapFd);
            int index = rings.length;
            try {
                kernel.epollCtl(epollFd, Kernel.EPOLL_CTL_ADD, mapFd, Kernel.EPOLLIN, index);
            } catch (RuntimeException e) {
                ring.unmap(kernel);
                throw e;
            }
            MappedRing[] r = Arrays.copyOf(rings, index + 1);
            RawRecordHandler[] h = Arrays.copyOf(handlers, index + 1);
            r[index] = ring;
            h[index] = handler;
            rings = r;
            handlers = h;
            return ring;
        } finally {
            life.exitConsumer();
        }
    }

    /** The rings, in the order they were added. */
    public MappedRing[] rings() {
        return rings.clone();
    }

    /** Non-blocking: drains every ring (up to {@code limit} records in all). */
    public int consume(int limit, RawRecordHandler handler) {
        checkLimit(limit);
        enter();
        try {
            return drainAll(limit, handler);
        } finally {
            life.exitConsumer();
        }
    }

    /** Copies the next record of ring {@code index} into {@code dst} (see {@link Ring#read}). */
    public int read(int index, ByteBuffer dst) {
        enter();
        try {
            return rings[index].ring().read(dst);
        } finally {
            life.exitConsumer();
        }
    }

    /** Drains; if nothing came, waits up to {@code timeout} for a ring to become readable and drains again. */
    public int poll(Duration timeout, int limit, RawRecordHandler handler) {
        int millis = timeoutMillis(timeout);
        checkLimit(limit);
        enter();
        try {
            countPoll();
            int n = drainAll(limit, handler);
            if (n > 0 || millis == 0) {
                return n;
            }
            int ready = kernel.epollWait(epollFd, events, millis);
            if (life.isClosed()) {
                return 0;
            }
            MappedRing[] rs = rings;
            for (int i = 0; i < ready; i++) {
                long tag = events.data(i);
                if (tag >= 0 && tag < rs.length) {
                    rs[(int) tag].ring().countWakeup();
                }
            }
            return drainAll(limit, handler);
        } finally {
            life.exitConsumer();
        }
    }

    /**
     * Spins on the producer positions (no system call) until a record is handed over, the timeout
     * passes, or the set is closed.
     */
    public int busyPoll(Duration timeout, int limit, boolean onSpinWait, RawRecordHandler handler) {
        long nanos = timeoutNanos(timeout);
        checkLimit(limit);
        enter();
        try {
            countPoll();
            long start = System.nanoTime();
            MappedRing[] rs = rings;
            int spins = 0;
            while (true) {
                boolean reserved = false;
                for (MappedRing r : rs) {
                    int state = r.ring().look();
                    if (state == Ring.RESERVED) {
                        // Look at that header again until it is committed, at the other rings meanwhile.
                        reserved = true;
                    } else if (state == Ring.READY) {
                        int n = drainAll(limit, handler);
                        if (n > 0) {
                            r.ring().countWakeup(); // the spin found it: this poll's wake-up
                            return n;
                        }
                        reserved = true;
                        break;
                    }
                }
                if (life.isClosed()) {
                    return 0;
                }
                if ((++spins & 63) == 0 && System.nanoTime() - start >= nanos) {
                    return 0;
                }
                // No pause while a record is reserved but not yet committed (BUSY): the producer is
                // between bpf_ringbuf_reserve and submit, and a pause would only delay seeing it.
                if (onSpinWait && !reserved) {
                    Thread.onSpinWait();
                }
            }
        } finally {
            life.exitConsumer();
        }
    }

    private int drainAll(int limit, RawRecordHandler handler) {
        MappedRing[] rs = rings;
        RawRecordHandler[] hs = handlers;
        int count = rs.length;
        if (count == 1) {
            return rs[0].ring().drain(handler != null ? handler : hs[0], limit);
        }
        int total = 0;
        int start = nextRing;
        for (int k = 0; k < count && total < limit && !life.isClosed(); k++) {
            int i = (start + k) % count;
            total += rs[i].ring().drain(handler != null ? handler : hs[i], limit - total);
            if (total >= limit) {
                nextRing = (i + 1) % count; // the next call starts after this ring: no ring starves
            }
        }
        return total;
    }

    /** Polls started. */
    public long polls() {
        return polls;
    }

    /** Sum over the rings, with this set's poll count. */
    public RingBufferStats stats() {
        RingBufferStats sum = new RingBufferStats(0, 0, 0, polls, 0);
        for (MappedRing r : rings) {
            sum = sum.plus(r.ring().stats());
        }
        return sum;
    }

    /** True once closed. */
    public boolean isClosed() {
        return life.isClosed();
    }

    /**
     * Closes: a poll blocked in another thread wakes and returns; the memory is unmapped once no
     * call is inside (now, or when that call returns). Idempotent.
     */
    public void close() {
        life.close(() -> {
            for (MappedRing r : rings) {
                r.ring().requestStop();
            }
            kernel.eventfdWrite(wakeFd, 1);
        });
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the consumer inside the lifecycle
    private void countPoll() {
        polls++;
    }

    private void enter() {
        if (!life.enterConsumer()) {
            throw new IllegalStateException("ring buffer reader is closed");
        }
    }

    private void release() {
        for (MappedRing r : rings) {
            try {
                r.unmap(kernel);
            } catch (RuntimeException e) {
                LOG.warn("unmapping ring buffer '{}' failed", r.name(), e);
            }
        }
        closeQuietly(wakeFd);
        closeQuietly(epollFd);
    }

    private void closeQuietly(int fd) {
        try {
            kernel.close(fd);
        } catch (RuntimeException e) {
            LOG.warn("closing fd {} failed", fd, e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("record limit " + limit + ": expected > 0");
        }
    }

    /** Milliseconds for epoll_wait: rounded up (a 100 µs timeout still waits), -1 for "forever". */
    static int timeoutMillis(Duration timeout) {
        long nanos = timeoutNanos(timeout);
        long millis = nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
        return millis >= Integer.MAX_VALUE ? -1 : (int) millis;
    }

    static long timeoutNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("poll timeout " + timeout + ": expected zero or positive");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
