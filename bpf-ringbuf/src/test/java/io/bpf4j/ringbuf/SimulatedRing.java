package io.bpf4j.ringbuf;

import io.bpf4j.core.RingBufRecord;
import io.bpf4j.ringbuf.internal.Ring;
import io.bpf4j.ringbuf.internal.RingMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A ring buffer in plain direct memory with a Java producer that follows the kernel's protocol
 * ({@code kernel/bpf/ringbuf.c}, {@code __bpf_ringbuf_reserve} and {@code bpf_ringbuf_commit}):
 * reserve writes the header with BUSY and publishes {@code producer_pos} with release; commit
 * clears BUSY (optionally setting DISCARD) with release. The kernel maps the data pages twice so
 * a record never wraps; here every data byte is written at both of its copies instead, which the
 * consumer cannot tell apart. One producer thread at a time.
 */
final class SimulatedRing {
    final int size;
    final ByteBuffer consumerPage = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    final ByteBuffer producerPage = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    final ByteBuffer data;
    private final long mask;
    private long producerPos;

    SimulatedRing(int size) {
        RingBufferLayout.checkDataSize(size, 4096);
        this.size = size;
        this.mask = size - 1L;
        this.data = ByteBuffer.allocateDirect(2 * size).order(ByteOrder.nativeOrder());
    }

    /** A consumer over this ring. */
    Ring consumer() {
        return new Ring(consumerPage, producerPage.asReadOnlyBuffer(), data.asReadOnlyBuffer(), size);
    }

    /** Starts both positions at {@code pos} (as if that much had gone through already). */
    void startAt(long pos) {
        producerPos = pos;
        RingMemory.putLongRelease(producerPage, 0, pos);
        RingMemory.putLongRelease(consumerPage, 0, pos);
    }

    /** Position of the last successful {@link #reserve}. */
    long reserved;

    /**
     * Reserves a {@code len}-byte record at {@link #reserved}; false if the ring has no room (the
     * kernel's test: {@code new_prod_pos - cons_pos > rb->mask}).
     */
    boolean reserve(int len) {
        long cons = RingMemory.getLongAcquire(consumerPage, 0);
        long next = producerPos + RingBufRecord.span(len);
        if (next - cons > mask) {
            return false;
        }
        long pos = producerPos;
        int off = (int) (pos & mask);
        RingMemory.putIntPlain(data, off, len | RingBufRecord.BUSY_BIT);
        RingMemory.putIntPlain(data, off + 4, 0);
        producerPos = next;
        RingMemory.putLongRelease(producerPage, 0, next);
        reserved = pos;
        return true;
    }

    /** Writes a sample byte at {@code index} of the record at {@code pos}, at both copies. */
    void putByte(long pos, int index, byte b) {
        int i = (int) ((pos + RingBufRecord.HEADER_SIZE + index) & mask);
        data.put(i, b);
        data.put(i + size, b);
    }

    /** Writes a u64 of the sample, byte by byte so it may straddle the end of the ring. */
    void putLong(long pos, int index, long v) {
        for (int k = 0; k < 8; k++) {
            int shift = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 8 * k : 8 * (7 - k);
            putByte(pos, index + k, (byte) (v >>> shift));
        }
    }

    /** Commits (clears BUSY) or discards the record at {@code pos}. */
    void commit(long pos, int len, boolean discard) {
        int off = (int) (pos & mask);
        RingMemory.putIntRelease(data, off, len | (discard ? RingBufRecord.DISCARD_BIT : 0));
    }

    /** Reserve, fill with {@code seq} (u64 at 0 if it fits, then bytes derived from it) and commit. */
    boolean emit(long seq, int len, boolean discard) {
        if (!reserve(len)) {
            return false;
        }
        long pos = reserved;
        fill(pos, seq, len);
        commit(pos, len, discard);
        return true;
    }

    static byte expectedByte(long seq, int index) {
        return (byte) (seq * 31 + index);
    }

    void fill(long pos, long seq, int len) {
        int i = 0;
        if (len >= 8) {
            putLong(pos, 0, seq);
            i = 8;
        }
        for (; i < len; i++) {
            putByte(pos, i, expectedByte(seq, i));
        }
    }
}
