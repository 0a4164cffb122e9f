package io.bpf4j.ringbuf;

import io.bpf4j.ringbuf.internal.EpollRings;
import io.bpf4j.ringbuf.internal.LeakGuard;
import io.bpf4j.ringbuf.internal.MappedRing;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.Kernel;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Several ring buffers behind one epoll set, each with its own handler: one thread waits for all
 * of them. The epoll fd is exposed for an event loop of your own. One consumer thread at a time;
 * add rings before polling; {@link #close} may come from any thread.
 *
 * <pre>{@code
 * try (RingBufferPoller poller = RingBufferPoller.create()) {
 *     poller.add(execEvents, rec -> System.out.println("exec " + rec.getInt(8)));
 *     poller.add(exitEvents, (data, offset, length) -> exits.increment());
 *     while (running) {
 *         poller.poll(Duration.ofMillis(100));
 *     }
 * }
 * }</pre>
 *
 * A limit per call is shared by all rings, which take turns to go first so that none starves.
 * Handler exceptions and closing behave as in {@link RingBufferReader}.
 */
public final class RingBufferPoller implements AutoCloseable {
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private final EpollRings rings;
    private final LeakGuard guard;

    private RingBufferPoller(EpollRings rings) {
        this.rings = rings;
        this.guard = new LeakGuard(this, rings, "ring buffer poller");
    }

    /** An empty poller. */
    public static RingBufferPoller create() {
        return create(Kernel.system());
    }

    /** An empty poller calling {@code kernel}. */
    public static RingBufferPoller create(Kernel kernel) {
        return new RingBufferPoller(new EpollRings(kernel));
    }

    /**
     * Adds {@code map} with a handler that gets each record as its own buffer.
     *
     * @throws IllegalArgumentException if {@code map} is not a ring buffer or is already here
     */
    public RingBufferPoller add(BpfMap map, RecordHandler handler) {
        return add(map.fd(), RingBufferReader.views(handler));
    }

    /** Adds {@code map} with an in-place handler. */
    public RingBufferPoller add(BpfMap map, RawRecordHandler handler) {
        return add(map.fd(), handler);
    }

    /** Adds a ring-buffer map by fd (which stays the caller's) with an in-place handler. */
    public RingBufferPoller add(int mapFd, RawRecordHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("ring buffer handler missing");
        }
        try {
            rings.add(mapFd, handler);
        } finally {
            Reference.reachabilityFence(this);
        }
        return this;
    }

    /** Drains every ring; if nothing came, waits up to {@code timeout} for any ring and drains. */
    public int poll(Duration timeout) {
        try {
            return rings.poll(timeout, NO_LIMIT, null);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** As {@link #poll(Duration)}, handing over at most {@code limit} records in all. */
    public int poll(Duration timeout, int limit) {
        try {
            return rings.poll(timeout, limit, null);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Drains every ring without blocking. */
    public int consume() {
        try {
            return rings.consume(NO_LIMIT, null);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** As {@link #consume()}, handing over at most {@code limit} records in all. */
    public int consume(int limit) {
        try {
            return rings.consume(limit, null);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Spins on every ring's producer position (see {@link RingBufferReader#busyPoll}). */
    public int busyPoll(Duration timeout, boolean onSpinWait) {
        try {
            return rings.busyPoll(timeout, NO_LIMIT, onSpinWait, null);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The epoll fd: readable when any ring has data; then call {@link #consume()}. */
    public int epollFd() {
        return rings.epollFd();
    }

    /** Counters summed over the rings. */
    public RingBufferStats stats() {
        return rings.stats();
    }

    /** Counters of each ring, in the order added ({@code polls} is the poller's). */
    public List<RingBufferStats> ringStats() {
        List<RingBufferStats> out = new ArrayList<>();
        for (MappedRing r : rings.rings()) {
            RingBufferStats s = r.ring().stats();
            out.add(new RingBufferStats(s.records(), s.discarded(), s.bytes(), rings.polls(), s.wakeups()));
        }
        return out;
    }

    /** True once closed. */
    public boolean isClosed() {
        return rings.isClosed();
    }

    /** Closes: a blocked poll returns; every ring is unmapped once no call is inside. Maps stay open. */
    @Override
    public void close() {
        guard.close();
    }
}
