package io.bpf4j.structs;

import java.nio.ByteBuffer;

/**
 * A reusable flyweight over one struct in a buffer: {@link #wrap} points it at a record (checking
 * once that the whole struct is there) and the getters read single fields on demand, in the
 * buffer's byte order, allocating nothing. Getters take a field name or path (one hash lookup of
 * a precomputed table) or a pre-resolved {@link Field} (no lookup at all). Not thread-safe:
 * one view per consumer thread.
 *
 * <pre>{@code
 * StructView view = EXEC.view();
 * Field pid = EXEC.field("pid");
 * reader.poll(timeout, (buf, off, len) -> {
 *     view.wrap(buf, off);
 *     if (view.getU32("uid") == 0) {
 *         count(view.getInt(pid));
 *     }
 * });
 * }</pre>
 */
public final class StructView {
    private final StructLayout layout;
    private ByteBuffer buf;
    private int base;

    StructView(StructLayout layout) {
        this.layout = layout;
    }

    /** The layout this view reads. */
    public StructLayout layout() {
        return layout;
    }

    /** Points the view at the struct at absolute {@code offset} of {@code buffer}. */
    public StructView wrap(ByteBuffer buffer, int offset) {
        layout.checkBounds(buffer, offset);
        if (buf != buffer) {
            buf = buffer;   // usually the same ring from record to record: skip the GC write barrier
        }
        this.base = offset;
        return this;
    }

    /** Points the view at the struct at the buffer's position. */
    public StructView wrap(ByteBuffer buffer) {
        return wrap(buffer, buffer.position());
    }

    /** The wrapped buffer (null before the first wrap). */
    public ByteBuffer buffer() {
        return buf;
    }

    /** The struct's offset in the wrapped buffer. */
    public int offset() {
        return base;
    }

    /** An integer field widened to long (sign-extended for {@code sN}, zero-extended for {@code uN}). */
    public long getLong(String path) {
        return layout.field(path).getLong(buf, base);
    }

    /** An integer field of at most 4 bytes as an int. */
    public int getInt(String path) {
        return layout.field(path).getInt(buf, base);
    }

    /** A {@code __u32} (or narrower unsigned) field as its unsigned value. */
    public long getU32(String path) {
        Field f = layout.field(path);
        if (!f.isScalar() || f.type().bytes() > 4 || f.type().signed()) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.typeName() + ": getU32 reads u8, u16 or u32");
        }
        return f.getLong(buf, base);
    }

    /** A {@code __u64} (or any integer) field as a long: same as {@link #getLong(String)}. */
    public long getU64(String path) {
        return getLong(path);
    }

    /**
     * A {@code char[n]} field as a string up to its first NUL. A short ASCII string seen recently
     * (a command name) comes from a small cache and allocates nothing; others allocate the String.
     */
    public String getString(String path) {
        return layout.field(path).getString(buf, base);
    }

    /** Element {@code index} of a scalar array field. */
    public long getLong(String path, int index) {
        return layout.field(path).getLong(buf, base, index);
    }

    /** A pre-resolved integer field widened to long. */
    public long getLong(Field f) {
        return f.getLong(buf, base);
    }

    /** A pre-resolved integer field of at most 4 bytes as an int. */
    public int getInt(Field f) {
        return f.getInt(buf, base);
    }

    /** A pre-resolved {@code char[n]} field as a string. */
    public String getString(Field f) {
        return f.getString(buf, base);
    }

    /** The length of a {@code char[n]} field's string (bytes before the first NUL), without allocating. */
    public int stringLength(String path) {
        Field f = layout.field(path);
        if (f.kind() != Field.Kind.CHARS) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.typeName() + ", not a char[n]");
        }
        return Bytes.strlen(buf, base + f.offset(), f.count());
    }

    /** Copies the whole struct into a {@link StructValue}. */
    public StructValue toValue() {
        return layout.decode(buf, base);
    }

    /** The wrapped struct as the lab's map, through {@link StructValue#toString()}. */
    @Override
    public String toString() {
        return buf == null ? layout.name() + " view (unwrapped)" : toValue().toString();
    }
}
