package io.bpf4j.ringbuf;

import java.nio.ByteBuffer;

/**
 * Receives each record as its own read-only buffer: native byte order, position 0, limit = the
 * record's length, so a decoder can read it from offset 0. No copy is made, but the view itself
 * is a small allocation per record; {@link RawRecordHandler} is the allocation-free form.
 *
 * <p>Valid only during the call. A buffer kept past it is safe to read but no longer holds the
 * record: while the reader is open it shows the ring's bytes at that place now — the record
 * until the reader publishes its position at the end of the batch, then whatever later records
 * the producer writes over it (their headers included); once the reader is closed it reads
 * zeros. It never reads unmapped memory or another mapping. To keep a record, copy it
 * ({@link RawRecordHandler#copying}).
 *
 * <pre>{@code
 * reader.poll(Duration.ofMillis(100), rec -> System.out.println(rec.getLong(0)));
 * }</pre>
 */
@FunctionalInterface
public interface RecordHandler {
    /** One committed record. */
    void onRecord(ByteBuffer record);
}
