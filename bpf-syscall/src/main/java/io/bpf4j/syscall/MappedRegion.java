package io.bpf4j.syscall;

import java.nio.ByteBuffer;

/**
 * A memory mapping made by {@link Kernel#mmap}: its address, length, and a direct
 * {@link ByteBuffer} over the same bytes in native byte order (read-only when mapped without
 * {@code PROT_WRITE}). Unmap it with {@link Kernel#munmap}; the buffer must not be touched after.
 *
 * <pre>{@code
 * MappedRegion r = kernel.mmap(4096, Kernel.PROT_READ, Kernel.MAP_SHARED, ringFd, 0);
 * long consumerPos = r.buffer().getLong(0);
 * kernel.munmap(r);
 * }</pre>
 *
 * @param address the start address
 * @param length the length in bytes
 * @param buffer a view of the mapping, position 0, native byte order
 */
public record MappedRegion(long address, long length, ByteBuffer buffer) {
}
