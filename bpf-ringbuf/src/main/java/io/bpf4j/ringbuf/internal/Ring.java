package io.bpf4j.ringbuf.internal;

import static io.bpf4j.core.RingBufRecord.BUSY_BIT;
import static io.bpf4j.ringbuf.RingBufferLayout.CONSUMER_POS_OFFSET;
import static io.bpf4j.core.RingBufRecord.DISCARD_BIT;
import static io.bpf4j.core.RingBufRecord.HEADER_SIZE;
import static io.bpf4j.core.RingBufRecord.LENGTH_MASK;
import static io.bpf4j.ringbuf.RingBufferLayout.PRODUCER_POS_OFFSET;

import io.bpf4j.core.RingBufRecord;
import io.bpf4j.ringbuf.RawRecordHandler;
import io.bpf4j.ringbuf.RingBufferStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The consumer side of one ring over its mapped memory: reads committed records in order and
 * publishes the consumer position once per batch. One thread at a time (the reader enforces it);
 * the memory must stay mapped while a method runs (the reader's lifecycle ensures it).
 *
 * <p>A batch: read {@code producer_pos} (acquire); walk the records up to it, stopping at a BUSY
 * one; publish {@code consumer_pos} (release) and fence; read {@code producer_pos} again and go on
 * while there is more. The position is cached here: this consumer is its only writer.
 */
public final class Ring {
    /**
     * Records at most in one run of predicted headers: large enough that the fence and the
     * loop around a run cost nothing per record, small enough that a run's headers (256 x 24 B
     * at 16 B records) are still in L1 when its samples are read.
     */
    private static final int RUN = 256;
    private final ByteBuffer consumerPage;
    private final ByteBuffer producerPage;
    private final ByteBuffer data;
    private final ByteBuffer view;
    private final int dataSize;
    private final long mask;
    private long consumerPos;
    private long batchStart; // where the current batch began
    private long cursor;     // the record being handed to the handler

    // Counters: written by the consumer thread only, read by stats() from any thread. Opaque
    // accesses keep them untorn and eventually visible without a fence or an allocation per batch.
    private long records;
    private long discarded;
    private long bytes;
    private long wakeups;
    // Plain: read per record, where it only needs to see a close made by the handler itself
    // (same thread); a close from another thread is seen through stopping, per batch.
    private boolean stopRequested;
    private volatile boolean stopping;

    /**
     * @param consumerPage the consumer page, mapped read-write
     * @param producerPage the producer page, mapped read-only
     * @param data the data area mapped twice: {@code 2 * dataSize} bytes, read-only
     * @param dataSize the ring's size (the map's {@code max_entries}), already validated
     */
    public Ring(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data, int dataSize) {
        this.consumerPage = RingMemory.checkAligned(consumerPage, "consumer page");
        this.producerPage = RingMemory.checkAligned(producerPage, "producer page");
        this.data = RingMemory.checkAligned(data, "data area");
        if (data.capacity() < 2 * dataSize) {
            throw new IllegalArgumentException("data area: " + data.capacity() + " bytes mapped, expected 2 x "
                    + dataSize + " (the data pages mapped twice)");
        }
        if (consumerPage.isReadOnly()) {
            throw new IllegalArgumentException("consumer page: must be writable");
        }
        this.view = data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        this.dataSize = dataSize;
        this.mask = dataSize - 1L;
        // Pairs with an earlier consumer's release (another reader on the same map before us).
        this.consumerPos = RingMemory.getLongAcquire(consumerPage, CONSUMER_POS_OFFSET);
    }

    /** The ring's data size in bytes. */
    public int dataSize() {
        return dataSize;
    }

    /** The consumer position this reader has published. */
    public long consumerPosition() {
        return consumerPos;
    }

    /** The producer position now (acquire). */
    public long producerPosition() {
        // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve.
        return RingMemory.getLongAcquire(producerPage, PRODUCER_POS_OFFSET);
    }

    /** {@link #look}: nothing reserved past our position. */
    public static final int EMPTY = 0;
    /** {@link #look}: the record at our position is reserved, not yet committed (BUSY). */
    public static final int RESERVED = 1;
    /** {@link #look}: the record at our position is committed or discarded: a drain moves on. */
    public static final int READY = 2;

    /**
     * One look of a spinning consumer: {@link #EMPTY}, {@link #RESERVED} or {@link #READY}.
     *
     * <p>The header is read only once the position has moved. Reading it in every look (so that
     * its cache line would travel together with the position's) was measured slower, 0.37 µs p50
     * against libbpf's 0.23 (BENCHMARKS.md, Busy-poll): the spinner then keeps taking the line the producer
     * is about to commit into, and the commit waits to get it back.
     */
    public int look() {
        long cons = consumerPos;
        if (producerPosition() == cons) {
            return EMPTY;
        }
        // Pairs with xchg(&hdr->len, new_len) in bpf_ringbuf_commit.
        return (RingMemory.getIntAcquire(data, (int) (cons & mask)) & BUSY_BIT) != 0 ? RESERVED : READY;
    }

    /**
     * Hands committed records to {@code handler} until none is ready, a BUSY record is met or
     * {@code limit} records were handed over. If the handler throws, the position stays at that
     * record (it is delivered again next time) and the exception propagates.
     *
     * @return records handed over (discarded ones are skipped, not counted)
     */
    public int drain(RawRecordHandler handler, int limit) {
        try {
            return drainBatches(handler, limit);
        } catch (Throwable t) {
            // Out of the loop on purpose: an exception handler around the hot loop costs about 10%
            // (the JIT keeps more state live); the loop leaves the failing record in `cursor`.
            recoverFromHandler(cursor);
            throw t;
        }
    }

    private int drainBatches(RawRecordHandler handler, int limit) {
        final ByteBuffer data = this.data;
        final ByteBuffer view = this.view;
        final long mask = this.mask;
        long cons = consumerPos;
        int total = 0;
        while (true) {
            // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve:
            // headers up to prod are visible (BUSY or committed).
            long prod = RingMemory.getLongAcquire(producerPage, PRODUCER_POS_OFFSET);
            if (cons == prod) {
                return total;
            }
            view.clear(); // a handler may have moved its view's limit: restore it once per batch
            batchStart = cons;
            cursor = cons; // so that recovery never walks outside this batch
            int remaining = limit - total;
            int delivered = 0;
            long skipped = 0;
            boolean busy = false;
            // The next position is predicted from the last delivered header (records of one size
            // are the common case) and the header only compared with it: the position then does
            // not wait for the header's load, so several records' loads are in flight at once
            // instead of each waiting for the previous one (1.4-1.8x at 64-256 B, BENCHMARKS.md).
            // The prediction is always self-consistent: expectSpan is the span of expectHeader,
            // a committed, not discarded header (initially len 0, span 8), so a match is exact.
            int expectHeader = 0;
            long expectSpan = HEADER_SIZE;
            records:
            while (cons != prod) {
                // A run of records exactly as predicted: their headers read plain, then one
                // acquire fence for the run (RingMemory), then delivered. An acquire load per
                // header would stop the JIT from keeping the buffers' fields in registers across
                // records (BENCHMARKS.md: about 1 ns of the 3.3 ns a 16-byte record took).
                int run = predictedRun(cons, prod, expectHeader, expectSpan, Math.min(RUN, remaining - delivered));
                if (run > 0) {
                    // Pairs with xchg(&hdr->len, new_len) in bpf_ringbuf_commit, for every header
                    // of the run: their samples are read only after this fence.
                    RingMemory.acquireFence();
                    for (int i = 0; i < run; i++) {
                        cursor = cons;
                        handler.onRecord(view, (int) (cons & mask) + HEADER_SIZE, expectHeader);
                        cons += expectSpan;
                        if (stopRequested) {
                            delivered += i + 1;
                            break records;
                        }
                    }
                    delivered += run;
                    if (delivered == remaining) {
                        break;
                    }
                    continue;
                }
                // Not as predicted: the first record, another size, a discarded or a BUSY one.
                int off = (int) (cons & mask);
                // Pairs with xchg(&hdr->len, new_len) in bpf_ringbuf_commit: a clear BUSY bit
                // means the sample bytes before it are visible.
                int header = RingMemory.getIntAcquire(data, off);
                if ((header & BUSY_BIT) != 0) {
                    busy = true;
                    break;
                }
                long span = ((header & LENGTH_MASK) + HEADER_SIZE + 7) & ~7L;
                long next = cons + span;
                if ((header & DISCARD_BIT) != 0) {
                    skipped++;
                    cons = next;
                    continue;
                }
                expectHeader = header;
                expectSpan = span;
                cursor = cons;
                // A corrupt len cannot hurt: the view is bounds-checked like any ByteBuffer.
                handler.onRecord(view, off + HEADER_SIZE, header & LENGTH_MASK);
                delivered++;
                cons = next;
                if (delivered == remaining || stopRequested) {
                    break;
                }
            }
            long consumed = cons - batchStart;
            if (consumed != 0) {
                publish(cons);
                count(delivered, skipped, consumed);
            }
            total += delivered;
            if (busy || total == limit || stopRequested || stopping) {
                return total;
            }
        }
    }

    /**
     * How many records from {@code cons} on (at most {@code max}, none at or past {@code prod})
     * have exactly the header {@code expectHeader}, a committed, not discarded one of span
     * {@code expectSpan}. The headers are read plain: the caller fences once before it reads
     * their samples.
     */
    private int predictedRun(long cons, long prod, int expectHeader, long expectSpan, int max) {
        int n = 0;
        for (long pos = cons; n < max && pos != prod; pos += expectSpan) {
            if (RingMemory.getIntPlain(data, (int) (pos & mask)) != expectHeader) {
                break;
            }
            n++;
        }
        return n;
    }

    /** The handler threw at the record at {@code failedAt}: publish up to it and count what went before. */
    private void recoverFromHandler(long failedAt) {
        long delivered = 0;
        long skipped = 0;
        for (long pos = batchStart; pos != failedAt; ) {
            // Already read with acquire in this batch; these are the same committed headers.
            int header = RingMemory.getIntAcquire(data, (int) (pos & mask));
            if ((header & DISCARD_BIT) != 0) {
                skipped++;
            } else {
                delivered++;
            }
            pos += RingBufRecord.span(header & LENGTH_MASK);
        }
        if (failedAt != consumerPos) {
            publish(failedAt);
            count(delivered, skipped, failedAt - batchStart);
        }
    }

    /**
     * Copies the next committed record into {@code dst} at its position and advances the position.
     *
     * @return the record's length, or -1 if no committed record is ready
     * @throws IllegalArgumentException if the record does not fit; it stays in the ring
     */
    public int read(ByteBuffer dst) {
        long start = consumerPos;
        long cons = start;
        long skipped = 0;
        int delivered = 0;
        try {
            // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve.
            long prod = RingMemory.getLongAcquire(producerPage, PRODUCER_POS_OFFSET);
            while (cons != prod) {
                int off = (int) (cons & mask);
                // Pairs with xchg(&hdr->len, new_len) in bpf_ringbuf_commit.
                int header = RingMemory.getIntAcquire(data, off);
                if ((header & BUSY_BIT) != 0) {
                    return -1;
                }
                int len = header & LENGTH_MASK;
                long next = cons + ((len + HEADER_SIZE + 7) & ~7L);
                if ((header & DISCARD_BIT) != 0) {
                    skipped++;
                    cons = next;
                    continue;
                }
                if (dst.remaining() < len) {
                    throw new IllegalArgumentException("ring buffer record of " + len + " bytes does not fit: "
                            + dst.remaining() + " bytes remaining in the destination");
                }
                dst.put(dst.position(), data, off + HEADER_SIZE, len);
                dst.position(dst.position() + len);
                cons = next;
                delivered = 1;
                return len;
            }
            return -1;
        } finally {
            if (cons != start) {
                publish(cons);
                count(delivered, skipped, cons - start);
            }
        }
    }

    private void publish(long cons) {
        // Pairs with smp_load_acquire(&rb->consumer_pos) in __bpf_ringbuf_reserve: the producer
        // may overwrite the space only after our reads of it.
        RingMemory.putLongRelease(consumerPage, CONSUMER_POS_OFFSET, cons);
        // bpf_ringbuf_commit wakes us only if it sees consumer_pos == its record: our store must
        // be visible before we read producer_pos again, or a wake-up is lost (store-load order).
        RingMemory.fullFence();
        consumerPos = cons;
    }

    private void count(long delivered, long skipped, long ringBytes) {
        RECORDS.setOpaque(this, records + delivered);
        DISCARDED.setOpaque(this, discarded + skipped);
        BYTES.setOpaque(this, bytes + ringBytes);
    }

    /** Makes a running or later {@link #drain} return after the record in hand (the reader is closing). */
    public void requestStop() {
        stopRequested = true;
        stopping = true;
    }

    /** Counts a wake-up of the consumer by this ring (the consumer thread only). */
    public void countWakeup() {
        WAKEUPS.setOpaque(this, wakeups + 1);
    }

    /** Records, discarded, bytes and wake-ups so far ({@code polls} is the poller's); safe from any thread. */
    public RingBufferStats stats() {
        return new RingBufferStats((long) RECORDS.getOpaque(this), (long) DISCARDED.getOpaque(this),
                (long) BYTES.getOpaque(this), 0, (long) WAKEUPS.getOpaque(this));
    }

    private static final VarHandle RECORDS = counter("records");
    private static final VarHandle DISCARDED = counter("discarded");
    private static final VarHandle BYTES = counter("bytes");
    private static final VarHandle WAKEUPS = counter("wakeups");

    private static VarHandle counter(String name) {
        try {
            return MethodHandles.lookup().findVarHandle(Ring.class, name, long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
