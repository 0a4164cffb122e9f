package io.bpf4j.syscall;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reusable native array of {@code struct epoll_event} that {@link Kernel#epollWait} fills
 * without allocating. On x86_64 the kernel's struct is packed (12 bytes: u32 events, u64 data);
 * elsewhere it is 16 bytes with the data at offset 8 ({@code include/uapi/linux/eventpoll.h},
 * {@code EPOLL_PACKED}).
 *
 * <pre>{@code
 * EpollEvents ready = new EpollEvents(16);
 * int n = kernel.epollWait(epfd, ready, 100);
 * for (int i = 0; i < n; i++) handle(ready.data(i), ready.events(i));
 * }</pre>
 */
public final class EpollEvents {
    /** Size of one {@code struct epoll_event} on this machine. */
    public static final int STRIDE = isX86() ? 12 : 16;
    private static final int DATA_OFFSET = isX86() ? 4 : 8;

    private final ByteBuffer buffer;
    private final long address;
    private final int capacity;

    /** Room for {@code capacity} events. */
    public EpollEvents(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("epoll events capacity " + capacity + ": expected > 0");
        }
        this.capacity = capacity;
        this.buffer = ByteBuffer.allocateDirect(capacity * STRIDE).order(ByteOrder.nativeOrder());
        this.address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** How many events fit. */
    public int capacity() {
        return capacity;
    }

    /** The native address (for the kernel call). */
    public long address() {
        return address;
    }

    /** The raw bytes (for fakes that fill the array). */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** The ready-event bits of entry {@code i}. */
    public int events(int i) {
        return buffer.getInt(i * STRIDE);
    }

    /** The user data of entry {@code i}, as given to {@link Kernel#epollCtl}. */
    public long data(int i) {
        return buffer.getLong(i * STRIDE + DATA_OFFSET);
    }

    /** Writes entry {@code i} (used by fakes). */
    public void set(int i, int events, long data) {
        buffer.putInt(i * STRIDE, events);
        buffer.putLong(i * STRIDE + DATA_OFFSET, data);
    }
}
