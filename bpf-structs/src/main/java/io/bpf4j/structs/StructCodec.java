package io.bpf4j.structs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between a Java type and a struct's bytes: {@link RecordCodec} for records,
 * {@link StructLayout#valueCodec()} for {@link StructValue}s. Bytes are read and written in the
 * buffer's byte order; the byte[] forms use the host's order, as the kernel does for map keys
 * and values. Its shape (size, encode into a buffer, decode from a buffer) is what a typed map
 * view needs, so it adapts with method references:
 *
 * <pre>{@code
 * RecordCodec<Exec> c = StructLayout.codec(Exec.class);
 * byte[] key = c.encode(new Exec(...));
 * Exec e = c.decode(buf, off);
 * // a map-codec interface elsewhere (e.g. bpf-syscall's MapCodec) from the same three methods:
 * //   MapCodec.of(c.size(), c::encode, c::decode)
 * }</pre>
 *
 * @param <T> the Java type
 */
public interface StructCodec<T> {
    /** The struct layout this codec reads and writes. */
    StructLayout layout();

    /** Bytes of one encoded value. */
    default int size() {
        return layout().size();
    }

    /** Decodes the struct at absolute {@code offset}, position unchanged. */
    T decode(ByteBuffer buf, int offset);

    /** Writes {@code value} at absolute {@code offset}, position unchanged. */
    void encode(T value, ByteBuffer buf, int offset);

    /** Decodes the struct at the buffer's position, position unchanged. */
    default T decode(ByteBuffer buf) {
        return decode(buf, buf.position());
    }

    /** Writes {@code value} at the buffer's position, position unchanged. */
    default void encode(T value, ByteBuffer buf) {
        encode(value, buf, buf.position());
    }

    /** Decodes host-order bytes. */
    default T decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 0);
    }

    /** Encodes into new host-order bytes of {@link #size()}. */
    default byte[] encode(T value) {
        ByteBuffer buf = ByteBuffer.allocate(size()).order(ByteOrder.nativeOrder());
        encode(value, buf, 0);
        return buf.array();
    }
}
