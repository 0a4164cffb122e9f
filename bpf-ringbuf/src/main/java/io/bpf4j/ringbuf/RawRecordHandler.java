package io.bpf4j.ringbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Receives each record in place, without a copy and without an allocation: {@code data} is a
 * read-only view of the ring's mapped data area in native byte order, the sample occupies
 * {@code data[offset, offset + length)}. Use absolute reads ({@code data.getLong(offset)}).
 *
 * <p>Valid only during the call: the producer reuses the space once the reader publishes its
 * position (at the end of the batch). {@code data}, or a slice of it, kept past the call is
 * safe to read but shows the ring as it is now — later records written over this one while
 * the reader is open, zeros once it is closed; never unmapped memory.
 *
 * <pre>{@code
 * long[] sum = {0};
 * reader.consume((data, offset, length) -> sum[0] += data.getLong(offset));
 * }</pre>
 *
 * A handler that throws stops the drain at that record; the record is delivered again on the next
 * call and the exception reaches the caller of {@code poll}/{@code consume}.
 */
@FunctionalInterface
public interface RawRecordHandler {
    /** One committed record: {@code length} bytes at {@code data[offset]}. */
    void onRecord(ByteBuffer data, int offset, int length);

    /**
     * A handler that copies each record into a fresh heap buffer (native order, position 0,
     * limit = length) and hands it to {@code sink}, which may keep it or pass it to another thread.
     *
     * <pre>{@code
     * BlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
     * reader.poll(Duration.ofMillis(100), RawRecordHandler.copying(queue::add));
     * }</pre>
     */
    static RawRecordHandler copying(Consumer<? super ByteBuffer> sink) {
        return (data, offset, length) -> {
            ByteBuffer copy = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
            copy.put(0, data, offset, length);
            sink.accept(copy);
        };
    }
}
