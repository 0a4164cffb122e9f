package io.bpf4j.ringbuf;

import io.bpf4j.ringbuf.internal.EpollRings;
import io.bpf4j.ringbuf.internal.LeakGuard;
import io.bpf4j.ringbuf.internal.MappedRing;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.Kernel;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Reads the records a BPF program writes into a {@code BPF_MAP_TYPE_RINGBUF}, straight from the
 * map's memory mapped into this process: no copy, no allocation and no system call per record;
 * the consumer position is published once per batch. One consumer thread at a time; {@link #close}
 * may come from any thread.
 *
 * <pre>{@code
 * try (RingBufferReader reader = RingBufferReader.open(events)) {
 *     reader.poll(Duration.ofMillis(100), rec -> System.out.println(rec.getLong(0)));
 * }
 * }</pre>
 *
 * Ways to read, all in one reader:
 * <ul>
 *   <li>{@link RecordHandler}: each record as its own read-only buffer (position 0);</li>
 *   <li>{@link RawRecordHandler}: {@code (data, offset, length)} in place, allocation-free — the
 *       fastest;</li>
 *   <li>{@link RawRecordHandler#copying}: a heap copy per record, to keep or hand to another thread;</li>
 *   <li>{@link #read(ByteBuffer)}: pull one record into a buffer of yours.</li>
 * </ul>
 * Waiting: {@link #poll} blocks in {@code epoll_wait}; {@link #consume} never blocks;
 * {@link #busyPoll} spins on the producer position for the lowest latency. All return the number
 * of records handed over; discarded records are skipped (and counted in {@link #stats()}).
 *
 * <p>A handler that throws stops the drain at that record: it is delivered again on the next call,
 * and the exception propagates to the caller. Closing from another thread wakes a blocked
 * {@code poll} (which returns what it handed over so far); later calls throw
 * {@link IllegalStateException}. The memory stays mapped until the running call has returned.
 * Record buffers a handler kept stay readable after close and read zeros (see
 * {@link RecordHandler}); a reader dropped without {@code close()} is closed by a cleaner once
 * unreachable, with a warning in the log.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private final EpollRings rings;
    private final MappedRing ring;
    private final LeakGuard guard;

    private RingBufferReader(EpollRings rings, MappedRing ring) {
        this.rings = rings;
        this.ring = ring;
        this.guard = new LeakGuard(this, rings, "ring buffer reader of map '" + ring.name() + "'");
    }

    /**
     * Maps {@code map}'s pages and registers it for epoll.
     *
     * @throws IllegalArgumentException if {@code map} is not a ring buffer
     */
    public static RingBufferReader open(BpfMap map) {
        return open(map.fd(), map.kernel());
    }

    /**
     * As {@link #open(BpfMap)}, for a ring-buffer map fd (which stays the caller's), through
     * {@code kernel}.
     */
    public static RingBufferReader open(int mapFd, Kernel kernel) {
        EpollRings rings = new EpollRings(kernel);
        try {
            MappedRing ring = rings.add(mapFd, null);
            return new RingBufferReader(rings, ring);
        } catch (RuntimeException e) {
            rings.close();
            throw e;
        }
    }

    /** Waits up to {@code timeout} for records and hands each over as its own buffer. */
    public int poll(Duration timeout, RecordHandler handler) {
        try {
            return rings.poll(timeout, NO_LIMIT, views(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Waits up to {@code timeout} for records and hands them over in place. */
    public int poll(Duration timeout, RawRecordHandler handler) {
        try {
            return rings.poll(timeout, NO_LIMIT, checked(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** As {@link #poll(Duration, RawRecordHandler)}, handing over at most {@code limit} records. */
    public int poll(Duration timeout, int limit, RawRecordHandler handler) {
        try {
            return rings.poll(timeout, limit, checked(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Hands over the records ready now, each as its own buffer; never blocks. */
    public int consume(RecordHandler handler) {
        try {
            return rings.consume(NO_LIMIT, views(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Hands over the records ready now, in place; never blocks. */
    public int consume(RawRecordHandler handler) {
        try {
            return rings.consume(NO_LIMIT, checked(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** As {@link #consume(RawRecordHandler)}, handing over at most {@code limit} records. */
    public int consume(int limit, RawRecordHandler handler) {
        try {
            return rings.consume(limit, checked(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Spins on the producer position, with {@link Thread#onSpinWait()} between looks at an empty
     * ring (none while a record is reserved but not yet committed), until records come (then hands
     * them over), {@code timeout} passes or the reader is closed. Burns a CPU; no system call.
     *
     * <p>It pays only where the spinning thread has a CPU to itself (pinned with
     * {@code Cpus.pinThisThread} to a CPU the rest of the work is kept off, with {@code taskset},
     * cgroup cpusets or {@code isolcpus}): a record then reaches the handler
     * about 0.2 µs after the program stamped it, against about 10 µs through {@link #poll}. Where
     * the threads that produce the events share the spinner's CPU, each one preempts it and the
     * record waits for the scheduler: about 17 µs, slower than {@code poll} (BENCHMARKS.md,
     * Busy-poll).
     */
    public int busyPoll(Duration timeout, RawRecordHandler handler) {
        try {
            return rings.busyPoll(timeout, NO_LIMIT, true, checked(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * As {@link #busyPoll(Duration, RawRecordHandler)}, with a record limit, and without
     * {@code Thread.onSpinWait()} if {@code onSpinWait} is false (hotter still).
     */
    public int busyPoll(Duration timeout, int limit, boolean onSpinWait, RawRecordHandler handler) {
        try {
            return rings.busyPoll(timeout, limit, onSpinWait, checked(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Copies the next record into {@code dst} at its position, advancing it; never blocks.
     *
     * @return the record's length, or -1 if none is ready
     * @throws IllegalArgumentException if the record does not fit in {@code dst}'s remaining
     *                                  space; it stays in the ring
     */
    public int read(ByteBuffer dst) {
        try {
            return rings.read(0, dst);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Counters since open. */
    public RingBufferStats stats() {
        return rings.stats();
    }

    /** The ring's data size in bytes (the map's {@code max_entries}). */
    public int dataSize() {
        return ring.ring().dataSize();
    }

    /** The ring-buffer map's name. */
    public String mapName() {
        return ring.name();
    }

    /**
     * The epoll fd this reader waits on, for an event loop of your own: when it is readable, call
     * {@link #consume}.
     */
    public int epollFd() {
        return rings.epollFd();
    }

    /** True once closed. */
    public boolean isClosed() {
        return rings.isClosed();
    }

    /**
     * Closes: a poll blocked in another thread returns; the memory is unmapped once no call is
     * inside. Does not close the map. Idempotent.
     */
    @Override
    public void close() {
        guard.close();
    }

    /** A null handler is refused at once (an empty ring would otherwise wait out the timeout first). */
    private static RawRecordHandler checked(RawRecordHandler handler) {
        if (handler == null) {
            throw new NullPointerException("record handler is null: pass a handler for the records");
        }
        return handler;
    }

    static RawRecordHandler views(RecordHandler handler) {
        if (handler == null) {
            throw new NullPointerException("record handler is null: pass a handler for the records");
        }
        return (data, offset, length) -> handler.onRecord(data.slice(offset, length).order(ByteOrder.nativeOrder()));
    }
}
