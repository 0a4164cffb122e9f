package io.bpf4j.core.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between a Java value and a fixed number of bytes: a map key or value, an event
 * record, a program's context. The two abstract methods work at an absolute offset and leave the
 * buffer's position alone, so a reader can decode record after record out of one buffer (a ring
 * buffer's data area, a reused direct buffer) without slicing or allocating; the other forms are
 * conveniences over them. Bytes are in the buffer's byte order; the {@code byte[]} forms use the
 * host's, as the kernel does for map keys and values.
 *
 * <p>bpf-structs makes codecs for struct layouts ({@code StructLayout.codec(Exec.class)} for a
 * record, {@code layout.valueCodec()} for generic values); bpf-syscall's typed maps take any two
 * ({@code map.typed(keys, values)}); the factories here cover plain scalars and raw bytes.
 *
 * <pre>{@code
 * Codec<Long> u64 = Codec.u64();
 * byte[] key = u64.encode(42L);                 // 8 bytes, host order
 * long back = u64.decode(key);                  // 42
 *
 * ByteBuffer buf = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
 * u64.encode(7L, buf, 8);                       // absolute: position stays 0
 * u64.decode(buf, 8);                           // 7
 *
 * TypedMap<Integer, Long> counts = map.typed(Codec.u32(), Codec.u64());   // bpf-syscall
 * }</pre>
 *
 * @param <T> the Java type
 */
public interface Codec<T> {
    /** Bytes of one encoded value. */
    int size();

    /** Decodes the value at absolute {@code offset}; the buffer's position is unchanged. */
    T decode(ByteBuffer buf, int offset);

    /** Writes {@code value} at absolute {@code offset}; the buffer's position is unchanged. */
    void encode(T value, ByteBuffer buf, int offset);

    /** Decodes the value at the buffer's position, position unchanged. */
    default T decode(ByteBuffer buf) {
        return decode(buf, buf.position());
    }

    /** Writes {@code value} at the buffer's position, position unchanged. */
    default void encode(T value, ByteBuffer buf) {
        encode(value, buf, buf.position());
    }

    /** Decodes host-order bytes (at least {@link #size()} of them). */
    default T decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 0);
    }

    /** Encodes into new host-order bytes, {@link #size()} of them. */
    default byte[] encode(T value) {
        ByteBuffer buf = ByteBuffer.allocate(size()).order(ByteOrder.nativeOrder());
        encode(value, buf, 0);
        return buf.array();
    }

    /** A 32-bit integer ({@code __u32} or {@code __s32}: the bits are the same). */
    static Codec<Integer> u32() {
        return Scalars.U32;
    }

    /** A 64-bit integer ({@code __u64} or {@code __s64}). */
    static Codec<Long> u64() {
        return Scalars.U64;
    }

    /**
     * Raw bytes of a fixed length, copied in and out ({@code char[n]}, a hash, a key the Java side
     * does not interpret).
     *
     * @throws IllegalArgumentException if {@code length} is below 1
     */
    static Codec<byte[]> bytes(int length) {
        return new Scalars.Bytes(length);
    }
}
