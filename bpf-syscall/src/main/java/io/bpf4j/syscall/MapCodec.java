package io.bpf4j.syscall;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Turns a Java value into a map key or value and back: a fixed size and two conversions over a
 * buffer in native byte order. bpf-structs implements it for struct layouts and records; the
 * factories here cover the common scalars.
 *
 * <pre>{@code
 * TypedMap<Integer, Long> counts = map.typed(MapCodec.u32(), MapCodec.u64());
 * counts.put(7, 1L);
 *
 * RecordCodec<Exec> exec = StructLayout.codec(Exec.class);          // bpf-structs
 * TypedMap<Integer, Exec> byPid = map.typed(MapCodec.u32(), MapCodec.of(exec.size(), exec::encode, exec::decode));
 * }</pre>
 *
 * @param <T> the Java type
 */
public interface MapCodec<T> {
    /** Encoded size in bytes. */
    int size();

    /** Writes {@code value} at the buffer's position (absolute puts from it; position unchanged or advanced). */
    void encode(T value, ByteBuffer out);

    /** Reads a value from the buffer's position. */
    T decode(ByteBuffer in);

    /**
     * A codec from a size and two functions, e.g. a bpf-structs record codec's
     * {@code encode(value, buffer)} and {@code decode(buffer)}.
     */
    static <T> MapCodec<T> of(int size, BiConsumer<T, ByteBuffer> encoder, Function<ByteBuffer, T> decoder) {
        if (size <= 0) {
            throw new IllegalArgumentException("codec size " + size + ": expected a positive number of bytes");
        }
        return new MapCodec<>() {
            public int size() {
                return size;
            }

            public void encode(T value, ByteBuffer out) {
                encoder.accept(value, out);
            }

            public T decode(ByteBuffer in) {
                return decoder.apply(in);
            }
        };
    }

    /** A 32-bit integer. */
    static MapCodec<Integer> u32() {
        return new MapCodec<>() {
            public int size() {
                return 4;
            }

            public void encode(Integer v, ByteBuffer out) {
                out.putInt(out.position(), v);
            }

            public Integer decode(ByteBuffer in) {
                return in.getInt(in.position());
            }
        };
    }

    /** A 64-bit integer. */
    static MapCodec<Long> u64() {
        return new MapCodec<>() {
            public int size() {
                return 8;
            }

            public void encode(Long v, ByteBuffer out) {
                out.putLong(out.position(), v);
            }

            public Long decode(ByteBuffer in) {
                return in.getLong(in.position());
            }
        };
    }

    /** Raw bytes of a fixed length. */
    static MapCodec<byte[]> bytes(int length) {
        return new MapCodec<>() {
            public int size() {
                return length;
            }

            public void encode(byte[] v, ByteBuffer out) {
                if (v.length != length) {
                    throw new IllegalArgumentException(v.length + " bytes: expected " + length);
                }
                out.put(out.position(), v, 0, length);
            }

            public byte[] decode(ByteBuffer in) {
                byte[] b = new byte[length];
                in.get(in.position(), b, 0, length);
                return b;
            }
        };
    }
}
