package io.bpf4j.ringbuf;

/**
 * The shared-memory layout of a {@code BPF_MAP_TYPE_RINGBUF}, as {@code kernel/bpf/ringbuf.c}
 * lays it out. Offsets only; the reader does the reading. The record header's constants and
 * {@code span} live in {@link io.bpf4j.core.RingBufRecord}, which {@code StructLayout} shares.
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
 * RingBufferLayout.checkDataSize(256 * 1024, 4096);     // fine; 100_000 would throw
 * }</pre>
 */
public final class RingBufferLayout {
    /** Offset of {@code consumer_pos} in the consumer page. */
    public static final int CONSUMER_POS_OFFSET = 0;
    /** Offset of {@code producer_pos} in the producer page. */
    public static final int PRODUCER_POS_OFFSET = 0;
    /**
     * Largest data area this reader maps: the producer page plus the data mapped twice must fit
     * a {@link java.nio.ByteBuffer}, whose capacity is an {@code int}.
     */
    public static final int MAX_DATA_SIZE = 1 << 29;

    private RingBufferLayout() {
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
