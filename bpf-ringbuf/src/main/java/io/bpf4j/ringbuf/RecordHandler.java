package io.bpf4j.ringbuf;

import java.nio.ByteBuffer;

/**
 * Receives each record as its own read-only buffer: native byte order, position 0, limit = the
 * record's length, so a decoder can read it from offset 0. No copy is made, but the view itself
 * is a small allocation per record; {@link RawRecordHandler} is the allocation-free form. Valid
 * only during the call.
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
