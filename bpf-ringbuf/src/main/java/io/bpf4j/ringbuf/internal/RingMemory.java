package io.bpf4j.ringbuf.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few shared-memory accesses a ring-buffer consumer makes, named by memory mode, over a
 * direct buffer's {@link VarHandle} view in native byte order.
 *
 * <p>Pairings with the kernel's producer ({@code kernel/bpf/ringbuf.c}):
 * <ul>
 *   <li>{@link #getLongAcquire} of {@code producer_pos} pairs with the {@code smp_store_release}
 *       of {@code producer_pos} in {@code __bpf_ringbuf_reserve}: once we see a position, the
 *       headers (with BUSY set) written before it are visible.</li>
 *   <li>{@link #getIntAcquire} of a record's {@code len} pairs with the {@code xchg} in
 *       {@code bpf_ringbuf_commit} that clears BUSY: once BUSY is clear, the sample written
 *       before the commit is visible.</li>
 *   <li>{@link #getIntPlain} of several records' {@code len}, then one {@link #acquireFence}
 *       before any of their samples is read: the same pairing with the same {@code xchg}, made
 *       once for the run. The fence keeps every load before it (the headers) before every load
 *       after it (the samples), which is what an acquire load of each header guarantees, and
 *       the idiom of the JDK's {@code StampedLock} optimistic reads. A header whose plain read
 *       is not the value the consumer expects is read again with {@link #getIntAcquire}.</li>
 *   <li>{@link #putLongRelease} of {@code consumer_pos} pairs with the {@code smp_load_acquire}
 *       of {@code consumer_pos} in {@code __bpf_ringbuf_reserve}: the producer reuses the space
 *       only after our reads of it are done.</li>
 *   <li>{@link #fullFence} after that store: {@code bpf_ringbuf_commit} wakes the consumer only
 *       if it reads {@code consumer_pos == record pos}; our store of consumer_pos must be visible
 *       before our next load of producer_pos, or both sides can miss each other (store-load
 *       reordering) and the wake-up is lost.</li>
 * </ul>
 *
 * Every access is naturally aligned: {@link #checkAligned} runs once per buffer at construction,
 * so the VarHandle's own alignment check never fails on the hot path.
 */
public final class RingMemory {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private RingMemory() {
    }

    /** A u64 at {@code index}, read with acquire semantics. */
    public static long getLongAcquire(ByteBuffer buffer, int index) {
        return (long) LONGS.getAcquire(buffer, index);
    }

    /** A u64 at {@code index}, written with release semantics. */
    public static void putLongRelease(ByteBuffer buffer, int index, long value) {
        LONGS.setRelease(buffer, index, value);
    }

    /** A u64 at {@code index}, read with volatile (sequentially consistent) semantics. */
    public static long getLongVolatile(ByteBuffer buffer, int index) {
        return (long) LONGS.getVolatile(buffer, index);
    }

    /** A u32 at {@code index}, read with acquire semantics. */
    public static int getIntAcquire(ByteBuffer buffer, int index) {
        return (int) INTS.getAcquire(buffer, index);
    }

    /**
     * A u32 at {@code index}, plain: ordered before later reads only by a following
     * {@link #acquireFence} (the class comment says which reads may be plain).
     */
    public static int getIntPlain(ByteBuffer buffer, int index) {
        return (int) INTS.get(buffer, index);
    }

    /** A u32 at {@code index}, written with release semantics (the simulated producer's commit). */
    public static void putIntRelease(ByteBuffer buffer, int index, int value) {
        INTS.setRelease(buffer, index, value);
    }

    /** A u32 at {@code index}, plain. */
    public static void putIntPlain(ByteBuffer buffer, int index, int value) {
        INTS.set(buffer, index, value);
    }

    /** Orders every earlier load before every later load and store ({@code smp_rmb()} and more). */
    public static void acquireFence() {
        VarHandle.acquireFence();
    }

    /** Orders every earlier load and store before every later one ({@code smp_mb()}). */
    public static void fullFence() {
        VarHandle.fullFence();
    }

    /**
     * Checks that {@code buffer} is direct, in native order for our views, and that its address is
     * 8-byte aligned (mmap'ed pages always are).
     *
     * @throws IllegalArgumentException naming {@code what}
     */
    public static ByteBuffer checkAligned(ByteBuffer buffer, String what) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(what + ": expected a direct buffer (mmap'ed memory)");
        }
        if (buffer.alignmentOffset(0, 8) != 0) {
            throw new IllegalArgumentException(what + ": address not 8-byte aligned (offset "
                    + buffer.alignmentOffset(0, 8) + ")");
        }
        return buffer;
    }
}
