package io.bpf4j.structs.tracepoint;

/**
 * One field of a tracepoint's context record, as the kernel's {@code format} file states it:
 * {@code field:<C declaration>; offset:N; size:N; signed:N;}.
 *
 * <pre>{@code
 * TracepointField f = format.field("filename");   // field:__data_loc char[] filename; offset:8; size:4; ...
 * f.kind();          // DATA_LOC
 * f.type();          // "char[]"
 * f.offset();        // 8
 * }</pre>
 *
 * @param declaration the C declaration as written ({@code __data_loc char[] filename})
 * @param type the declared type without the name ({@code char[]}, {@code const char *}, {@code char}
 *             for {@code char comm[16]})
 * @param name the field's name
 * @param offset byte offset in the record
 * @param size size in bytes in the record (4 for {@code __data_loc}, 0 for a flexible array)
 * @param signed whether the kernel marks the value signed
 * @param arrayLength element count of a fixed array ({@code comm[16]}: 16), 0 for {@code []} or an
 *                    unparsed length expression, -1 when not an array
 * @param kind how the value is stored
 * @param common true for the {@code common_*} header every event starts with
 */
public record TracepointField(String declaration, String type, String name, int offset, int size, boolean signed,
                              int arrayLength, Kind kind, boolean common) {

    /** How a field's value is stored. */
    public enum Kind {
        /** The value itself, at {@code offset}, {@code size} bytes. */
        PLAIN,
        /** A fixed or flexible array in place. */
        ARRAY,
        /**
         * {@code __data_loc}: a u32 whose low 16 bits are the data's offset from the record's start
         * and high 16 bits its length (strings include their NUL).
         */
        DATA_LOC,
        /** {@code __rel_loc}: like DATA_LOC, but the offset counts from the end of this 4-byte field. */
        REL_LOC
    }

    public TracepointField {
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("field " + name + ": offset " + offset + ", size " + size
                    + ": expected both >= 0");
        }
    }

    /** True for {@code __data_loc} and {@code __rel_loc} fields (variable-length data stored later). */
    public boolean isDynamic() {
        return kind == Kind.DATA_LOC || kind == Kind.REL_LOC;
    }

    /** True when the (element) type is {@code char}: a string. */
    public boolean isString() {
        String t = type.replace("[]", "").trim();
        return (kind != Kind.PLAIN) && (t.equals("char") || t.equals("unsigned char") || t.equals("signed char"));
    }

    /** Where the dynamic data of this field lies in a record whose location word is {@code word}. */
    public DataLoc location(int word) {
        if (!isDynamic()) {
            throw new IllegalStateException("field " + name + " is " + kind + ", not __data_loc/__rel_loc");
        }
        DataLoc loc = DataLoc.of(word);
        return kind == Kind.REL_LOC ? new DataLoc(offset + size + loc.offset(), loc.length()) : loc;
    }
}
