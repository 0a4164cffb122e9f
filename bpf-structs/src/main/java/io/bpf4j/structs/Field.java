package io.bpf4j.structs;

import java.nio.ByteBuffer;

/**
 * One field of a {@link StructLayout}, resolved to a byte offset from the start of the outermost
 * struct. It is also a pre-resolved accessor for hot paths: its getters read the field straight
 * out of a buffer, in the buffer's byte order, allocating nothing (except the String of a
 * {@code char[n]} field).
 *
 * <pre>{@code
 * Field pid = EXEC.field("pid");             // resolve once
 * pid.offset();                               // 8
 * long v = pid.getLong(buf, recordOffset);    // per event: no lookup, no allocation
 * EXEC.field("hdr.pid").offset();             // paths through nested structs
 * EXEC.field("vals[2]").type();               // and array elements
 * }</pre>
 *
 * @param name the field's name, or its path from the outermost struct ({@code hdr.pid},
 *             {@code procs[1].pid}) when resolved through {@link StructLayout#field(String)}
 * @param kind what the field holds
 * @param type the scalar type, or the element type of a {@code char[n]} or scalar array;
 *             null for nested structs
 * @param struct the nested layout for {@link Kind#STRUCT} and {@link Kind#STRUCT_ARRAY}, else null
 * @param count number of elements: n for arrays, 1 otherwise
 * @param offset byte offset from the start of the outermost struct
 * @param size total bytes the field occupies
 * @param align its alignment in the struct (1 in a packed struct)
 */
public record Field(String name, Kind kind, ScalarType type, StructLayout struct, int count,
                    int offset, int size, int align) {

    /** What a field holds. */
    public enum Kind {
        /** One integer: {@code __u32 pid}. */
        SCALAR,
        /** A byte string: {@code char comm[16]}, decoded up to its first NUL. */
        CHARS,
        /** An array of integers: {@code __u32 vals[4]}. */
        ARRAY,
        /** A nested struct: {@code struct hdr hdr}. */
        STRUCT,
        /** An array of nested structs: {@code struct proc procs[3]}. */
        STRUCT_ARRAY
    }

    public Field {
        if (name == null || kind == null) {
            throw new IllegalArgumentException("field: name and kind are required");
        }
        boolean isStruct = kind == Kind.STRUCT || kind == Kind.STRUCT_ARRAY;
        if (isStruct != (struct != null) || isStruct == (type != null)) {
            throw new IllegalArgumentException("field " + name + ": a " + kind
                    + " field needs " + (isStruct ? "a nested layout and no scalar type" : "a scalar type and no nested layout"));
        }
        if (count < 1) {
            throw new IllegalArgumentException("field " + name + ": count " + count + ": expected at least 1");
        }
        if (offset < 0 || size < 1 || align < 1) {
            throw new IllegalArgumentException("field " + name + ": offset " + offset + ", size " + size
                    + ", align " + align + ": expected offset >= 0, size and align >= 1");
        }
    }

    /** Bytes of one element: the scalar width, or the nested struct's size. */
    public int elementSize() {
        return type != null ? type.bytes() : struct.size();
    }

    /** True for a single integer field, the only kind a BPF load or store moves whole. */
    public boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    /**
     * The C declaration of this field: {@code __u32 pid}, {@code char comm[16]},
     * {@code struct hdr hdr}, {@code struct proc procs[3]}.
     */
    public String cDeclaration() {
        String simple = name.substring(name.lastIndexOf('.') + 1);
        String base = type != null ? type.cName() : "struct " + struct.cName();
        return base + " " + simple + (kind == Kind.SCALAR || kind == Kind.STRUCT ? "" : "[" + count + "]");
    }

    /** The type as messages print it: {@code u32}, {@code char[16]}, {@code u32[4]}, {@code struct hdr}. */
    public String typeName() {
        switch (kind) {
            case SCALAR: return type.shortName();
            case CHARS: return "char[" + count + "]";
            case ARRAY: return type.shortName() + "[" + count + "]";
            case STRUCT: return "struct " + struct.cName();
            default: return "struct " + struct.cName() + "[" + count + "]";
        }
    }

    // ---- hot-path accessors -------------------------------------------------------------------

    /**
     * The integer at {@code base + offset()}, widened to long: sign-extended for {@code sN},
     * zero-extended for {@code uN} (a {@code __u64} comes back as its raw bits).
     */
    public long getLong(ByteBuffer buf, int base) {
        requireKind(Kind.SCALAR, "getLong");
        return Bytes.get(buf, base + offset, type);
    }

    /**
     * The integer at {@code base + offset()} as an int, for fields of at most 4 bytes; a
     * {@code __u32} above {@code Integer.MAX_VALUE} comes back as its raw (negative) bits.
     */
    public int getInt(ByteBuffer buf, int base) {
        requireKind(Kind.SCALAR, "getInt");
        if (type.bytes() == 8) {
            throw new IllegalStateException("field " + name + " is " + type.shortName() + ": use getLong");
        }
        return (int) Bytes.get(buf, base + offset, type);
    }

    /** Element {@code index} of a scalar array or {@code char[n]} field, widened like {@link #getLong}. */
    public long getLong(ByteBuffer buf, int base, int index) {
        requireArray("getLong");
        return Bytes.get(buf, base + offset + checkIndex(index) * type.bytes(), type);
    }

    /** A {@code char[n]} field as a UTF-8 string up to its first NUL (or all n bytes if none). */
    public String getString(ByteBuffer buf, int base) {
        requireKind(Kind.CHARS, "getString");
        return Bytes.string(buf, base + offset, count);
    }

    /** A copy of the field's raw bytes (all n of a {@code char[n]}, NUL and what follows included). */
    public byte[] getBytes(ByteBuffer buf, int base) {
        byte[] out = new byte[size];
        buf.get(base + offset, out);
        return out;
    }

    /** Writes an integer field; the value must fit the field as a signed or an unsigned number. */
    public void putLong(ByteBuffer buf, int base, long value) {
        requireKind(Kind.SCALAR, "putLong");
        checkFits(value);
        Bytes.put(buf, base + offset, type, value);
    }

    /** Writes element {@code index} of a scalar array or {@code char[n]} field. */
    public void putLong(ByteBuffer buf, int base, int index, long value) {
        requireArray("putLong");
        checkFits(value);
        Bytes.put(buf, base + offset + checkIndex(index) * type.bytes(), type, value);
    }

    /** Writes a {@code char[n]} field: the UTF-8 bytes of {@code s}, NUL-filled to n bytes. */
    public void putString(ByteBuffer buf, int base, String s) {
        requireKind(Kind.CHARS, "putString");
        Bytes.putString(buf, base + offset, Bytes.encodeString(s, count, "field " + name), count);
    }

    /** Writes the field's raw bytes; {@code bytes.length} must equal {@link #size()}. */
    public void putBytes(ByteBuffer buf, int base, byte[] bytes) {
        if (bytes.length != size) {
            throw new IllegalArgumentException("field " + name + " (" + typeName() + ") is " + size
                    + " bytes, got " + bytes.length);
        }
        buf.put(base + offset, bytes);
    }

    int checkIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("field " + name + " (" + typeName() + "): index " + index
                    + " out of range 0.." + (count - 1));
        }
        return index;
    }

    void checkFits(long value) {
        if (!type.accepts(value)) {
            throw new IllegalArgumentException("field " + name + " (" + type.shortName() + "): " + value
                    + " does not fit in " + type.bytes() + (type.bytes() == 1 ? " byte" : " bytes"));
        }
    }

    private void requireKind(Kind k, String op) {
        if (kind != k) {
            throw new IllegalStateException(op + ": field " + name + " is " + typeName()
                    + ", not " + (k == Kind.SCALAR ? "an integer" : "a char[n]"));
        }
    }

    private void requireArray(String op) {
        if (kind != Kind.ARRAY && kind != Kind.CHARS) {
            throw new IllegalStateException(op + ": field " + name + " is " + typeName() + ", not an array");
        }
    }

    Field rename(String path, int delta) {
        return new Field(path, kind, type, struct, count, offset + delta, size, align);
    }
}
