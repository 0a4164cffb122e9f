package io.bpf4j.structs;

import io.bpf4j.core.codec.Codec;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * Decodes a struct straight into a record and encodes a record back into bytes. The mapping is
 * computed once per record type (annotations read, canonical constructor and accessors turned into
 * one method-handle tree); per event nothing is reflective, no argument array or boxed value is
 * made: decoding allocates the record and, for {@code char[n]} and array components, their
 * Strings and arrays. Bytes are read and written in the buffer's byte order. It is a
 * {@link Codec}, so it serves as a typed map's key or value codec as it is.
 *
 * <pre>{@code
 * record Exec(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
 *             @Chars(16) String comm) {}
 * static final RecordCodec<Exec> EXEC = StructLayout.codec(Exec.class);
 *
 * Exec e = EXEC.decode(buf, offset);        // hot path: one record, one String
 * EXEC.encode(e, out, 0);                   // the inverse, e.g. for a map value
 * EXEC.layout().size();                     // 40
 * TypedMap<Integer, Exec> byPid = map.typed(Codec.u32(), EXEC);   // bpf-syscall
 * }</pre>
 *
 * @param <R> the record type
 */
public final class RecordCodec<R extends Record> implements Codec<R> {
    private final StructLayout layout;
    private final Class<R> type;
    /** {@code (ByteBuffer, int)Object}: reads every component and calls the canonical constructor. */
    private final MethodHandle decoder;
    /** {@code (Object, ByteBuffer, int)void}: reads every accessor and writes its field. */
    private final MethodHandle encoder;

    RecordCodec(StructLayout layout, Class<R> type, MethodHandle decoder, MethodHandle encoder) {
        this.layout = layout;
        this.type = type;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    /** The struct layout this codec reads and writes. */
    public StructLayout layout() {
        return layout;
    }

    /** Bytes of one encoded record: the layout's size. */
    @Override
    public int size() {
        return layout.size();
    }

    /** The record type. */
    public Class<R> type() {
        return type;
    }

    /**
     * Decodes the struct at absolute {@code offset} into a new record.
     *
     * @throws IllegalArgumentException if the buffer is too short (truncated record)
     */
    @Override
    @SuppressWarnings("unchecked")
    public R decode(ByteBuffer buf, int offset) {
        layout.checkBounds(buf, offset);
        Object r;
        try {
            r = decoder.invokeExact(buf, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("decoding " + type.getName() + ": " + t, t);
        }
        return (R) r;
    }

    /**
     * Writes {@code value} at absolute {@code offset}. Padding bytes are zeroed, so equal records
     * always give equal bytes (the kernel hashes map keys byte by byte, padding included).
     *
     * @throws IllegalArgumentException if a component does not fit its field (a value too large
     *         for its width, a string too long for its {@code char[n]}, an array of the wrong length)
     */
    @Override
    public void encode(R value, ByteBuffer buf, int offset) {
        if (value == null) {
            throw new IllegalArgumentException("cannot encode a null " + type.getSimpleName());
        }
        layout.checkBounds(buf, offset);
        Bytes.zero(buf, offset, layout.size());
        try {
            encoder.invokeExact((Object) value, buf, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("encoding " + type.getName() + ": " + t, t);
        }
    }

    @Override
    public String toString() {
        return "RecordCodec[" + type.getName() + " <-> " + layout + "]";
    }
}
