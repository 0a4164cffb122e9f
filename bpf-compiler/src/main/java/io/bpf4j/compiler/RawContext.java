package io.bpf4j.compiler;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A program context read at constant offsets in the host byte order: the record of a tracepoint
 * ({@link TracepointContext}) or the argument block of a {@code BPF_PROG_TYPE_SYSCALL} program
 * ({@link SyscallContext}). Offsets must be constants (the verifier checks context accesses by
 * their offset); on the JVM the context wraps bytes.
 *
 * <pre>{@code
 * static int run(SyscallContext ctx) {
 *     long id = ctx.u64(0);
 *     int port = ctx.u16(8);
 *     ...
 * }
 * SyscallContext.of(bytes);   // the same context on the JVM
 * }</pre>
 */
public abstract class RawContext {
    private final ByteBuffer bytes;

    RawContext(byte[] bytes) {
        this.bytes = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.nativeOrder());
    }

    /** The unsigned byte at {@code offset}. */
    public final int u8(int offset) {
        return bytes.get(offset) & 0xff;
    }

    /** The unsigned 16-bit value at {@code offset}. */
    public final int u16(int offset) {
        return bytes.getShort(offset) & 0xffff;
    }

    /** The 32-bit value at {@code offset} (as Java int bits; widen with {@link Integer#toUnsignedLong}). */
    public final int u32(int offset) {
        return bytes.getInt(offset);
    }

    /** The 64-bit value at {@code offset}. */
    public final long u64(int offset) {
        return bytes.getLong(offset);
    }

    /** Copies {@code dst.length} bytes from {@code offset} into {@code dst} (a stack array when compiled). */
    public final void read(int offset, byte[] dst) {
        bytes.get(offset, dst, 0, dst.length);
    }
}
