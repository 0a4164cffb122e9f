package io.bpf4j.structs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded struct: a private copy of its bytes plus the layout to read them with. Getters take
 * a field name or path and read lazily; {@code char[n]} fields read as strings up to the first
 * NUL while all n bytes stay available through {@link #getBytes}. Prints like the lab's map.
 *
 * <pre>{@code
 * StructValue v = EXEC.decode(buf);
 * v.getLong("timestamp");
 * v.getInt("pid");
 * v.getString("comm");                 // "bash"
 * v.toString();                        // {:timestamp 81237 :pid 4242 … :comm "bash"}
 * StructValue key = KEY.valueBuilder().set("pid", 42).set("comm", "bash").build();
 * byte[] bytes = key.toByteArray();    // host byte order, for a map key
 * }</pre>
 */
public final class StructValue {
    private final StructLayout layout;
    private final byte[] bytes;
    private final int base;
    private final boolean bigEndian;

    StructValue(StructLayout layout, byte[] bytes, int base, boolean bigEndian) {
        this.layout = layout;
        this.bytes = bytes;
        this.base = base;
        this.bigEndian = bigEndian;
    }

    /** The layout this value was decoded with. */
    public StructLayout layout() {
        return layout;
    }

    /** The byte order of the bytes it was decoded from. */
    public ByteOrder byteOrder() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** An integer field widened to long: sign-extended for {@code sN}, zero-extended for {@code uN}. */
    public long getLong(String path) {
        Field f = scalar(path);
        return Bytes.get(bytes, base + f.offset(), f.type(), bigEndian);
    }

    /** An integer field of at most 4 bytes as an int (a large {@code __u32} as its raw bits). */
    public int getInt(String path) {
        Field f = scalar(path);
        if (f.type().bytes() == 8) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.type().shortName() + ": use getLong");
        }
        return (int) Bytes.get(bytes, base + f.offset(), f.type(), bigEndian);
    }

    /** A {@code char[n]} field as a UTF-8 string up to its first NUL. */
    public String getString(String path) {
        Field f = layout.field(path);
        if (f.kind() != Field.Kind.CHARS) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.typeName() + ", not a char[n]");
        }
        return Bytes.string(bytes, base + f.offset(), f.count());
    }

    /** A copy of a field's raw bytes (all n bytes of a {@code char[n]}, past the NUL too). */
    public byte[] getBytes(String path) {
        Field f = layout.field(path);
        return Arrays.copyOfRange(bytes, base + f.offset(), base + f.offset() + f.size());
    }

    /** A scalar array field's elements, each widened like {@link #getLong}. */
    public long[] getLongs(String path) {
        Field f = layout.field(path);
        if (f.kind() != Field.Kind.ARRAY && f.kind() != Field.Kind.CHARS) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.typeName() + ", not an array");
        }
        long[] out = new long[f.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Bytes.get(bytes, base + f.offset() + i * f.type().bytes(), f.type(), bigEndian);
        }
        return out;
    }

    /** A nested struct field (or {@code procs[1]}) as a value sharing these bytes. */
    public StructValue getStruct(String path) {
        Field f = layout.field(path);
        if (f.kind() != Field.Kind.STRUCT) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.typeName() + ", not a struct");
        }
        return new StructValue(f.struct(), bytes, base + f.offset(), bigEndian);
    }

    /**
     * A field as a Java value: Long for integers, String for {@code char[n]}, long[] for scalar
     * arrays, StructValue for a nested struct, List of StructValue for an array of structs.
     */
    public Object get(String path) {
        return valueOf(layout.field(path));
    }

    private Object valueOf(Field f) {
        int at = base + f.offset();
        switch (f.kind()) {
            case SCALAR: return Bytes.get(bytes, at, f.type(), bigEndian);
            case CHARS: return Bytes.string(bytes, at, f.count());
            case ARRAY: return getLongs(f.name());
            case STRUCT: return new StructValue(f.struct(), bytes, at, bigEndian);
            default: {
                List<StructValue> out = new ArrayList<>(f.count());
                for (int i = 0; i < f.count(); i++) {
                    out.add(new StructValue(f.struct(), bytes, at + i * f.struct().size(), bigEndian));
                }
                return Collections.unmodifiableList(out);
            }
        }
    }

    /** The top-level fields by name, in order, as {@link #get} returns them. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : layout.fields()) {
            out.put(f.name(), valueOf(f));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A copy of the struct's bytes, in {@link #byteOrder()}. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(bytes, base, base + layout.size());
    }

    /** The struct's bytes in the given order. */
    public byte[] toByteArray(ByteOrder order) {
        ByteBuffer out = ByteBuffer.allocate(layout.size()).order(order);
        writeTo(out, 0);
        return out.array();
    }

    /** Writes the struct at {@code offset} in the buffer's byte order. */
    void writeTo(ByteBuffer buf, int offset) {
        buf.put(offset, bytes, base, layout.size());
        if ((buf.order() == ByteOrder.BIG_ENDIAN) != bigEndian) {
            swapScalars(layout, buf, offset);
        }
    }

    /** Reverses every multi-byte integer of the struct in place (after a raw copy in the other order). */
    private static void swapScalars(StructLayout l, ByteBuffer buf, int at) {
        for (Field f : l.fields()) {
            int p = at + f.offset();
            switch (f.kind()) {
                case SCALAR:
                case ARRAY:
                    if (f.type().bytes() > 1) {
                        for (int i = 0; i < f.count(); i++) {
                            swap(buf, p + i * f.type().bytes(), f.type().bytes());
                        }
                    }
                    break;
                case STRUCT:
                case STRUCT_ARRAY:
                    for (int i = 0; i < f.count(); i++) {
                        swapScalars(f.struct(), buf, p + i * f.struct().size());
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private static void swap(ByteBuffer buf, int p, int n) {
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            byte t = buf.get(p + i);
            buf.put(p + i, buf.get(p + j));
            buf.put(p + j, t);
        }
    }

    private Field scalar(String path) {
        Field f = layout.field(path);
        if (!f.isScalar()) {
            throw new IllegalStateException(layout.name() + "." + path + " is " + f.typeName() + ", not an integer");
        }
        return f;
    }

    /** Equal when of equal layouts with equal field values (padding bytes and byte order ignored). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StructValue)) {
            return false;
        }
        StructValue that = (StructValue) o;
        if (!layout.equals(that.layout)) {
            return false;
        }
        return sameFields(layout, bytes, base, bigEndian, that.bytes, that.base, that.bigEndian);
    }

    private static boolean sameFields(StructLayout l, byte[] a, int aBase, boolean aBig, byte[] b, int bBase, boolean bBig) {
        for (Field f : l.fields()) {
            int pa = aBase + f.offset();
            int pb = bBase + f.offset();
            switch (f.kind()) {
                case SCALAR:
                case ARRAY:
                case CHARS:
                    for (int i = 0; i < f.count(); i++) {
                        int d = i * f.type().bytes();
                        if (Bytes.get(a, pa + d, f.type(), aBig) != Bytes.get(b, pb + d, f.type(), bBig)) {
                            return false;
                        }
                    }
                    break;
                default:
                    for (int i = 0; i < f.count(); i++) {
                        int d = i * f.struct().size();
                        if (!sameFields(f.struct(), a, pa + d, aBig, b, pb + d, bBig)) {
                            return false;
                        }
                    }
                    break;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return layout.hashCode() * 31 + toString().hashCode();
    }

    /** The lab's map syntax: {@code {:timestamp 81237 :pid 4242 :comm "bash" :vals [1 2] :hdr {:x 1}}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb);
        return sb.toString();
    }

    private void append(StringBuilder sb) {
        sb.append('{');
        boolean first = true;
        for (Field f : layout.fields()) {
            if (!first) {
                sb.append(' ');
            }
            first = false;
            sb.append(':').append(f.name()).append(' ');
            int at = base + f.offset();
            switch (f.kind()) {
                case SCALAR:
                    appendNumber(sb, f.type(), Bytes.get(bytes, at, f.type(), bigEndian));
                    break;
                case CHARS:
                    appendString(sb, Bytes.string(bytes, at, f.count()));
                    break;
                case ARRAY:
                    sb.append('[');
                    for (int i = 0; i < f.count(); i++) {
                        if (i > 0) {
                            sb.append(' ');
                        }
                        appendNumber(sb, f.type(), Bytes.get(bytes, at + i * f.type().bytes(), f.type(), bigEndian));
                    }
                    sb.append(']');
                    break;
                case STRUCT:
                    new StructValue(f.struct(), bytes, at, bigEndian).append(sb);
                    break;
                default:
                    sb.append('[');
                    for (int i = 0; i < f.count(); i++) {
                        if (i > 0) {
                            sb.append(' ');
                        }
                        new StructValue(f.struct(), bytes, at + i * f.struct().size(), bigEndian).append(sb);
                    }
                    sb.append(']');
                    break;
            }
        }
        sb.append('}');
    }

    private static void appendNumber(StringBuilder sb, ScalarType t, long v) {
        sb.append(t == ScalarType.U64 ? Long.toUnsignedString(v) : Long.toString(v));
    }

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    /**
     * Fills a value field by field, starting from all zero bytes (host byte order).
     *
     * <pre>{@code
     * StructValue v = EXEC.valueBuilder().set("pid", 42).set("comm", "bash").set("vals[1]", 7).build();
     * }</pre>
     */
    public static final class Builder {
        private final StructLayout layout;
        private final ByteBuffer buf;

        Builder(StructLayout layout) {
            this.layout = layout;
            this.buf = ByteBuffer.allocate(layout.size()).order(ByteOrder.nativeOrder());
        }

        /** Sets an integer field or element; the value must fit the field, signed or unsigned. */
        public Builder set(String path, long value) {
            Field f = layout.field(path);
            if (!f.isScalar()) {
                throw new IllegalArgumentException(layout.name() + "." + path + " is " + f.typeName() + ", not an integer");
            }
            if (!f.type().accepts(value)) {
                throw new IllegalArgumentException(layout.name() + "." + path + " (" + f.type().shortName() + "): "
                        + value + " does not fit in " + f.type().bytes() + (f.type().bytes() == 1 ? " byte" : " bytes"));
            }
            Bytes.put(buf, f.offset(), f.type(), value);
            return this;
        }

        /** Sets a {@code char[n]} field to the UTF-8 bytes of {@code s}, NUL-filled. */
        public Builder set(String path, String s) {
            Field f = layout.field(path);
            if (f.kind() != Field.Kind.CHARS) {
                throw new IllegalArgumentException(layout.name() + "." + path + " is " + f.typeName() + ", not a char[n]");
            }
            Bytes.putString(buf, f.offset(), Bytes.encodeString(s, f.count(), layout.name() + "." + path), f.count());
            return this;
        }

        /** Sets every element of a scalar array field. */
        public Builder set(String path, long[] values) {
            Field f = layout.field(path);
            if (f.kind() != Field.Kind.ARRAY || values.length != f.count()) {
                throw new IllegalArgumentException(layout.name() + "." + path + " is " + f.typeName()
                        + ": cannot set it from " + values.length + " longs");
            }
            for (int i = 0; i < values.length; i++) {
                set(path + "[" + i + "]", values[i]);
            }
            return this;
        }

        /** Sets a nested struct field from a value of its layout. */
        public Builder set(String path, StructValue value) {
            Field f = layout.field(path);
            if (f.kind() != Field.Kind.STRUCT || !f.struct().equals(value.layout())) {
                throw new IllegalArgumentException(layout.name() + "." + path + " is " + f.typeName()
                        + ": cannot set it from a " + value.layout().name() + " value");
            }
            value.writeTo(buf, f.offset());
            return this;
        }

        /** Sets a field's raw bytes ({@code bytes.length} must be the field's size). */
        public Builder setBytes(String path, byte[] bytes) {
            layout.field(path).putBytes(buf, 0, bytes);
            return this;
        }

        /** The value (the builder may be reused; later changes do not affect it). */
        public StructValue build() {
            return new StructValue(layout, buf.array().clone(), 0, buf.order() == ByteOrder.BIG_ENDIAN);
        }
    }
}
