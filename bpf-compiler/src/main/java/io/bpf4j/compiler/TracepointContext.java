package io.bpf4j.compiler;

/**
 * The context of a tracepoint program: the tracepoint's record, read at the offsets its
 * {@code format} file gives (bpf-structs' {@code TracepointFormat}). A method taking it compiles
 * to a {@code BPF_PROG_TYPE_TRACEPOINT} program.
 *
 * <pre>{@code
 * static int onExec(TracepointContext ctx) {    // sched/sched_process_exec
 *     EXECS.add(Bpf.currentUid(), 1);
 *     return 0;
 * }
 * }</pre>
 */
public final class TracepointContext extends RawContext {
    private TracepointContext(byte[] bytes) {
        super(bytes);
    }

    /**
     * The string a {@code __data_loc char[]} field at {@code offset} points to (its format file gives
     * the offset; the u32 there holds the string's offset in the record in its low 16 bits), as a new
     * array of {@code size} bytes: at most {@code size - 1} bytes of the string and a NUL, as
     * {@code bpf_probe_read_kernel_str} copies it. Handed to
     * {@link Reservation#set(Reservation.BytesField, byte[])} it is read straight into the reserved
     * record, where the kernel leaves the bytes after the NUL as they were; on the BPF stack and on
     * the JVM they are zero. Both constants.
     *
     * <pre>{@code
     * e.set(Exec::filename, ctx.dataLocString(8, 256));   // sched/sched_process_exec's filename
     * }</pre>
     */
    public byte[] dataLocString(int offset, int size) {
        int loc = u32(offset);
        int at = loc & 0xffff;
        byte[] out = new byte[size];
        for (int i = 0; i < size - 1; i++) {
            int b = u8(at + i);
            if (b == 0) {
                break;
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /** A record of these bytes (copied), for running the method on the JVM. */
    public static TracepointContext of(byte[] bytes) {
        return new TracepointContext(bytes);
    }
}
