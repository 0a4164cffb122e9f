package io.bpf4j.ringbuf;

/**
 * Counters of one ring (or the sum over a poller's rings).
 *
 * <pre>{@code
 * RingBufferStats s = reader.stats();
 * System.out.printf("%d records, %d discarded, %d bytes through the ring%n", s.records(), s.discarded(), s.bytes());
 * }</pre>
 *
 * @param records records handed to a handler (or copied out)
 * @param discarded records skipped because the producer discarded them
 * @param bytes ring bytes consumed: headers, padding and discarded records included (what the
 *              ring carried; counting sample bytes instead would cost the drain loop ~7%)
 * @param polls blocking or busy polls started
 * @param wakeups polls that returned because a ring became readable (epoll reported it, or a busy
 *                poll saw its producer position move); not those ending on timeout or close
 */
public record RingBufferStats(long records, long discarded, long bytes, long polls, long wakeups) {
    /** The component-wise sum. */
    public RingBufferStats plus(RingBufferStats o) {
        return new RingBufferStats(records + o.records, discarded + o.discarded, bytes + o.bytes, polls + o.polls,
                wakeups + o.wakeups);
    }
}
