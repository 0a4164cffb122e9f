package io.bpf4j.ringbuf.internal;

import io.bpf4j.ringbuf.RingBufferLayout;
import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.MapType;
import io.bpf4j.syscall.MappedRegion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A ring-buffer map's pages mapped into this process (see {@link RingBufferLayout} for the
 * picture): the consumer page read-write, then the producer page and the data area (which the
 * kernel maps twice in a row) read-only, exactly as the kernel allows them. The read-only part
 * is a {@link RetiringMapping}: record views over it stay readable after close.
 */
public final class MappedRing {
    // struct bpf_map_info (include/uapi/linux/bpf.h): u32 type @0, ..., u32 max_entries @16, char name[16] @24.
    private static final int INFO_TYPE = 0;
    private static final int INFO_MAX_ENTRIES = 16;
    private static final int INFO_NAME = 24;
    private static final int INFO_NAME_LEN = 16;
    private static final int INFO_SIZE = 256;

    private final int fd;
    private final String name;
    private final Ring ring;
    private final MappedRegion consumerRegion;
    private final RetiringMapping producerRegion;

    private MappedRing(int fd, String name, Ring ring, MappedRegion consumerRegion, RetiringMapping producerRegion) {
        this.fd = fd;
        this.name = name;
        this.ring = ring;
        this.consumerRegion = consumerRegion;
        this.producerRegion = producerRegion;
    }

    /**
     * Maps the ring buffer behind {@code mapFd}.
     *
     * @throws IllegalArgumentException if the map is not a {@code BPF_MAP_TYPE_RINGBUF}, or its
     *                                  size cannot be mapped
     */
    public static MappedRing map(Kernel kernel, int mapFd) {
        ByteBuffer info = ByteBuffer.allocateDirect(INFO_SIZE).order(ByteOrder.nativeOrder());
        kernel.objGetInfoByFd(mapFd, info);
        int type = info.getInt(INFO_TYPE);
        long size = Integer.toUnsignedLong(info.getInt(INFO_MAX_ENTRIES));
        String name = cString(info, INFO_NAME, INFO_NAME_LEN);
        if (type != MapType.RINGBUF.code()) {
            throw new IllegalArgumentException("map '" + name + "' (fd " + mapFd + ") is not a ring buffer: it is a "
                    + typeName(type) + ", expected BPF_MAP_TYPE_RINGBUF"
                    + (type == MapType.USER_RINGBUF.code() ? " (a user ring buffer is written by user space, not read)" : ""));
        }
        int page = PageSize.get();
        try {
            RingBufferLayout.checkDataSize(size, page);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("map '" + name + "': " + e.getMessage(), e);
        }
        int dataSize = (int) size;
        MappedRegion consumer = kernel.mmap(page, Kernel.PROT_READ | Kernel.PROT_WRITE, Kernel.MAP_SHARED, mapFd, 0);
        RetiringMapping producer;
        try {
            producer = RetiringMapping.over(kernel,
                    kernel.mmap(page + 2L * dataSize, Kernel.PROT_READ, Kernel.MAP_SHARED, mapFd, page));
        } catch (RuntimeException e) {
            kernel.munmap(consumer);
            throw e;
        }
        try {
            ByteBuffer p = producer.buffer();
            Ring ring = new Ring(consumer.buffer(), p.slice(0, page), p.slice(page, 2 * dataSize), dataSize);
            return new MappedRing(mapFd, name, ring, consumer, producer);
        } catch (RuntimeException e) {
            producer.retire();
            kernel.munmap(consumer);
            throw e;
        }
    }

    private static String typeName(int type) {
        try {
            return MapType.of(type).kernelName();
        } catch (IllegalArgumentException e) {
            return "map of type " + type;
        }
    }

    private static String cString(ByteBuffer b, int off, int max) {
        int n = 0;
        while (n < max && b.get(off + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(off, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The map's fd (owned by the caller's map object). */
    public int fd() {
        return fd;
    }

    /** The map's name as the kernel knows it. */
    public String name() {
        return name;
    }

    /** The consumer over the mapped memory. */
    public Ring ring() {
        return ring;
    }

    /**
     * Gives the memory back; the ring must not be used after. The consumer page (never handed
     * out) is unmapped; the producer page and data area, which record views handed to handlers
     * may still cover, are replaced by zero pages and unmapped once no such view is left (see
     * {@link RetiringMapping}).
     */
    public void unmap(Kernel kernel) {
        try {
            producerRegion.retire();
        } finally {
            kernel.munmap(consumerRegion);
        }
    }
}
