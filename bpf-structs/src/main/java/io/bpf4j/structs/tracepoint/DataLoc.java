package io.bpf4j.structs.tracepoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where a {@code __data_loc} field's data lies in a tracepoint record: the field holds a u32 whose
 * low 16 bits are the offset (from the record's start) and high 16 bits the length in bytes.
 *
 * <pre>
 *  31            16 15             0
 *  +---------------+---------------+
 *  |    length     |    offset     |
 *  +---------------+---------------+
 * </pre>
 *
 * <pre>{@code
 * DataLoc loc = DataLoc.of(record.getInt(8));          // sched_process_exec's filename word
 * String path = DataLoc.cString(record, loc.offset(), loc.length());
 * }</pre>
 *
 * @param offset byte offset of the data in the record
 * @param length length of the data in bytes
 */
public record DataLoc(int offset, int length) {

    /** Splits a {@code __data_loc} word. */
    public static DataLoc of(int word) {
        return new DataLoc(word & 0xffff, word >>> 16);
    }

    /**
     * The NUL-terminated string of at most {@code max} bytes at {@code offset} in {@code buf}
     * (absolute positions; the buffer's position is unchanged), decoded as UTF-8. This is how
     * a string that a BPF program copied with {@code bpf_probe_read_kernel_str} into a record
     * field is read back.
     */
    public static String cString(ByteBuffer buf, int offset, int max) {
        int end = Math.min(buf.limit(), offset + Math.max(0, max));
        int n = offset;
        while (n < end && buf.get(n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n - offset];
        buf.get(offset, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
