package io.bpf4j.core;

/**
 * The header of one {@code BPF_MAP_TYPE_RINGBUF} record, as {@code include/uapi/linux/bpf.h}
 * names its bits and {@code kernel/bpf/ringbuf.c} lays it out. It lives here, in the pure core,
 * because both sides need it: {@code StructLayout} sizes what a program reserves, the ring-buffer
 * reader walks what the kernel committed.
 *
 * <pre>
 *   u32 len:    bit 31 BUSY (reserved, not committed), bit 30 DISCARD, bits 0..29 sample length
 *   u32 pg_off: the kernel's, ignored by consumers
 *   sample:     len bytes, then padding so the next record starts on 8 bytes
 * </pre>
 *
 * <pre>{@code
 * int header = ...;                                       // read with acquire at the record
 * if ((header & RingBufRecord.BUSY_BIT) == 0) {
 *     int len = header & RingBufRecord.LENGTH_MASK;
 *     long next = pos + RingBufRecord.span(len);          // span(13) == 24
 * }
 * }</pre>
 */
public final class RingBufRecord {
    /** {@code BPF_RINGBUF_BUSY_BIT}: the record is reserved and not yet committed. */
    public static final int BUSY_BIT = 1 << 31;
    /** {@code BPF_RINGBUF_DISCARD_BIT}: the record was discarded; skip it. */
    public static final int DISCARD_BIT = 1 << 30;
    /** Mask of the sample length in a record header ({@code ~(BUSY | DISCARD)}). */
    public static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /** {@code BPF_RINGBUF_HDR_SZ}: u32 len, u32 pg_off. */
    public static final int HEADER_SIZE = 8;
    /** Offset of {@code len} in a record header. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of {@code pg_off} in a record header. */
    public static final int PAGE_OFFSET_OFFSET = 4;
    /** Records start on 8-byte boundaries. */
    public static final int ALIGNMENT = 8;
    /** Largest sample {@code bpf_ringbuf_reserve} accepts ({@code RINGBUF_MAX_RECORD_SZ} in {@code kernel/bpf/ringbuf.c}). */
    public static final long MAX_SAMPLE_SIZE = 0xffff_ffffL / 4;

    private RingBufRecord() {
    }

    /** Bytes a record with a {@code length}-byte sample takes in the ring: {@code round_up(length + 8, 8)}. */
    public static int span(int length) {
        return (length + HEADER_SIZE + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** {@link #span(int)} for a {@code long} length, which cannot overflow for any sample the kernel accepts. */
    public static long span(long length) {
        return (length + HEADER_SIZE + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
