package io.bpf4j.ringbuf;

/**
 * The shared-memory layout of a {@code BPF_MAP_TYPE_RINGBUF}, as {@code kernel/bpf/ringbuf.c}
 * lays it out and {@code include/uapi/linux/bpf.h} names its bits. Offsets and bits only; the
 * reader does the reading.
 *
 * <pre>
 *  map fd offset 0                 page 1                page 2 ...
 *  +-------------------------+-----------------------+----------------------------+----------------------------+
 *  | consumer page  (rw)     | producer page  (ro)   | data: size bytes     (ro)  | data again: same pages (ro)|
 *  | u64 consumer_pos @ 0    | u64 producer_pos @ 0  | records ...                | so no record ever wraps    |
 *  +-------------------------+-----------------------+----------------------------+----------------------------+
 *   mmap #1: 1 page, PROT_READ|PROT_WRITE  mmap #2 (offset 1 page): 1 page + 2 * size, PROT_READ
 *
 *  a record at data + (pos &amp; (size - 1)):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-----------------------------------------------------------+
 *  |B|D|                 len: sample length (30 bits)              |  u32, read with acquire
 *  +-+-+-----------------------------------------------------------+
 *  |                 pg_off (kernel's, for bpf_ringbuf_submit)      |  u32, ignored by consumers
 *  +---------------------------------------------------------------+
 *  |                 sample: len bytes, then padding to 8            |
 *  +---------------------------------------------------------------+
 *   B = BPF_RINGBUF_BUSY_BIT (1 &lt;&lt; 31): reserved, not yet submitted — stop reading here
 *   D = BPF_RINGBUF_DISCARD_BIT (1 &lt;&lt; 30): discarded — skip, but advance past it
 *   next record at pos + round_up(len + 8, 8)
 * </pre>
 *
 * <pre>{@code
 * int step = RingBufferLayout.recordSpan(13);           // 24: 8 header + 13 sample, rounded to 8
 * RingBufferLayout.checkDataSize(256 * 1024, 4096);     // fine; 100_000 would throw
 * }</pre>
 */
public final class RingBufferLayout {
    /** {@code BPF_RINGBUF_BUSY_BIT}: the record is reserved and not yet committed. */
    public static final int BUSY_BIT = 1 << 31;
    /** {@code BPF_RINGBUF_DISCARD_BIT}: the record was discarded; skip it. */
    public static final int DISCARD_BIT = 1 << 30;
    /** Mask of the length in a record header ({@code ~(BUSY | DISCARD)}). */
    public static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /** {@code BPF_RINGBUF_HDR_SZ}: u32 len, u32 pg_off. */
    public static final int HEADER_SIZE = 8;
    /** Offset of {@code len} in a record header. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of {@code pg_off} in a record header. */
    public static final int PAGE_OFFSET_OFFSET = 4;
    /** Offset of {@code consumer_pos} in the consumer page. */
    public static final int CONSUMER_POS_OFFSET = 0;
    /** Offset of {@code producer_pos} in the producer page. */
    public static final int PRODUCER_POS_OFFSET = 0;
    /** Records start on 8-byte boundaries. */
    public static final int RECORD_ALIGNMENT = 8;
    /**
     * Largest data area this reader maps: the producer page plus the data mapped twice must fit
     * a {@link java.nio.ByteBuffer}, whose capacity is an {@code int}.
     */
    public static final int MAX_DATA_SIZE = 1 << 29;

    private RingBufferLayout() {
    }

    /** Bytes a record with a {@code length}-byte sample takes in the ring: {@code round_up(length + 8, 8)}. */
    public static int recordSpan(int length) {
        return (length + HEADER_SIZE + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /**
     * Checks a ring's data size (the map's {@code max_entries}) as the kernel does: a power of two
     * and a multiple of the page size; also within what this reader can map.
     *
     * @throws IllegalArgumentException saying what was found and what was expected
     */
    public static void checkDataSize(long size, int pageSize) {
        if (pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("ring buffer: page size " + pageSize + " is not a power of two");
        }
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring buffer: data size " + size + " is not a power of two");
        }
        if (size % pageSize != 0) {
            throw new IllegalArgumentException("ring buffer: data size " + size + " is not a multiple of the page size "
                    + pageSize);
        }
        if (size > MAX_DATA_SIZE) {
            throw new IllegalArgumentException("ring buffer: data size " + size + " too large for this reader: expected at most "
                    + MAX_DATA_SIZE + " (1 page + 2 x size must fit a ByteBuffer)");
        }
    }
}
