package io.bpf4j.syscall;

/**
 * {@code enum bpf_map_type} from {@code include/uapi/linux/bpf.h} (values 0..32 as in the 6.1
 * header; {@code CGRP_STORAGE} 32 and {@code ARENA} 33 from Linux 6.2 and 6.9).
 *
 * <pre>{@code
 * MapType.RINGBUF.code();   // 27
 * MapType.of(2);            // ARRAY
 * MapType.PERCPU_ARRAY.isPerCpu();  // true
 * }</pre>
 */
public enum MapType {
    UNSPEC(0),
    HASH(1),
    ARRAY(2),
    PROG_ARRAY(3),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    STACK_TRACE(7),
    CGROUP_ARRAY(8),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    LPM_TRIE(11),
    ARRAY_OF_MAPS(12),
    HASH_OF_MAPS(13),
    DEVMAP(14),
    SOCKMAP(15),
    CPUMAP(16),
    XSKMAP(17),
    SOCKHASH(18),
    CGROUP_STORAGE(19),
    REUSEPORT_SOCKARRAY(20),
    PERCPU_CGROUP_STORAGE(21),
    QUEUE(22),
    STACK(23),
    SK_STORAGE(24),
    DEVMAP_HASH(25),
    STRUCT_OPS(26),
    RINGBUF(27),
    INODE_STORAGE(28),
    TASK_STORAGE(29),
    BLOOM_FILTER(30),
    USER_RINGBUF(31),
    CGRP_STORAGE(32),
    ARENA(33);

    private static final MapType[] ALL = values();

    private final int code;

    MapType(int code) {
        this.code = code;
    }

    /** The kernel's number for this type. */
    public int code() {
        return code;
    }

    /** The type with kernel number {@code code}. */
    public static MapType of(int code) {
        if (code < 0 || code >= ALL.length) {
            throw new IllegalArgumentException("map type " + code + " unknown to bpf4j: expected 0.." + (ALL.length - 1));
        }
        return ALL[code];
    }

    /** True if a lookup returns one value per possible CPU. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }

    /** True if the map has no keys (queue, stack, bloom filter, ring buffers). */
    public boolean isKeyless() {
        return this == QUEUE || this == STACK || this == BLOOM_FILTER || this == RINGBUF || this == USER_RINGBUF;
    }

    /** True if values are fds of other maps (user space writes fds, reads ids). */
    public boolean isMapInMap() {
        return this == ARRAY_OF_MAPS || this == HASH_OF_MAPS;
    }

    /** The kernel's name: {@code BPF_MAP_TYPE_RINGBUF}. */
    public String kernelName() {
        return "BPF_MAP_TYPE_" + name();
    }
}
