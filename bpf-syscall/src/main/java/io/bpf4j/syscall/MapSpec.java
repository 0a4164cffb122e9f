package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.Names;
import io.bpf4j.syscall.internal.PossibleCpus;

/**
 * What a map should be: type, name, key and value sizes, capacity, flags (and the inner map of a
 * map-in-map). Checked when built, before any syscall: the name (at most 15 characters of
 * {@code [A-Za-z0-9_.]}), the sizes each type requires, a ring buffer's size (a power of two and
 * a multiple of the page size).
 *
 * <pre>{@code
 * MapSpec counts = MapSpec.hash("counts", 4, 8, 1024);
 * MapSpec events = MapSpec.ringBuf("events", 256 * 1024);
 * MapSpec lru = MapSpec.lruHash("recent", 8, 16, 4096).withFlags(MapSpec.F_NO_COMMON_LRU);
 * MapSpec outer = MapSpec.arrayOfMaps("outer", 4, MapSpec.array("inner", 8, 16));
 * }</pre>
 *
 * @param type the map type
 * @param name the map's name (also how programs refer to it through {@code MapReference})
 * @param keySize key size in bytes (0 for keyless maps)
 * @param valueSize value size in bytes (per CPU for per-CPU maps)
 * @param maxEntries capacity (a ring buffer's size in bytes)
 * @param flags {@code BPF_F_*} creation flags
 * @param innerMap the template of the inner maps of a map-in-map, else null
 * @param mapExtra {@code map_extra} (bloom filter: number of hash functions, 0 = kernel default 5)
 */
public record MapSpec(MapType type, String name, int keySize, int valueSize, int maxEntries, int flags,
                      MapSpec innerMap, long mapExtra) {

    /** {@code BPF_F_NO_PREALLOC}: allocate hash elements on demand (required by LPM tries). */
    public static final int F_NO_PREALLOC = 1;
    /** {@code BPF_F_NO_COMMON_LRU}: one LRU list per CPU. */
    public static final int F_NO_COMMON_LRU = 1 << 1;
    /** {@code BPF_F_NUMA_NODE}. */
    public static final int F_NUMA_NODE = 1 << 2;
    /** {@code BPF_F_RDONLY}: user space may only read. */
    public static final int F_RDONLY = 1 << 3;
    /** {@code BPF_F_WRONLY}: user space may only write. */
    public static final int F_WRONLY = 1 << 4;
    /** {@code BPF_F_ZERO_SEED}. */
    public static final int F_ZERO_SEED = 1 << 6;
    /** {@code BPF_F_RDONLY_PROG}: programs may only read. */
    public static final int F_RDONLY_PROG = 1 << 7;
    /** {@code BPF_F_WRONLY_PROG}: programs may only write. */
    public static final int F_WRONLY_PROG = 1 << 8;
    /** {@code BPF_F_MMAPABLE}: an array that can be mmap'ed. */
    public static final int F_MMAPABLE = 1 << 10;
    /** {@code BPF_F_INNER_MAP}. */
    public static final int F_INNER_MAP = 1 << 12;

    /**
     * Largest ring buffer bpf4j creates, 512 MiB: the most a {@code RingBufferReader} can map (its
     * producer page plus the data mapped twice must fit one {@link java.nio.ByteBuffer}, whose
     * capacity is an int). Bigger rings would be created and then refused by the reader.
     */
    public static final int MAX_RING_SIZE = 1 << 29;

    /** The smallest page size of the supported architectures; the kernel checks the real one. */
    static final int MIN_PAGE = 4096;

    public MapSpec {
        if (type == null) {
            throw new IllegalArgumentException("map spec: type missing");
        }
        Names.checkObjectName("map", name);
        String what = "map '" + name + "' (" + type + ")";
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
            throw new IllegalArgumentException(what + ": sizes must not be negative (key " + keySize + ", value "
                    + valueSize + ", max entries " + maxEntries + ")");
        }
        switch (type) {
            case RINGBUF:
            case USER_RINGBUF:
                require(keySize == 0 && valueSize == 0, what, "key and value size must be 0, got " + keySize + "/" + valueSize);
                require(maxEntries >= MIN_PAGE && Integer.bitCount(maxEntries) == 1, what,
                        "size " + maxEntries + " bytes: expected a power of two and a multiple of the page size ("
                                + MIN_PAGE + "), e.g. " + suggestRingSize(maxEntries));
                require(maxEntries <= MAX_RING_SIZE, what, "size " + maxEntries + " bytes: at most " + MAX_RING_SIZE
                        + " (512 MiB, MapSpec.MAX_RING_SIZE: the largest ring a RingBufferReader can map)");
                break;
            case ARRAY:
            case PERCPU_ARRAY:
            case PROG_ARRAY:
            case PERF_EVENT_ARRAY:
            case ARRAY_OF_MAPS:
            case CGROUP_ARRAY:
                require(keySize == 4, what, "key size " + keySize + ": expected 4 (arrays are indexed by u32)");
                require(valueSize > 0, what, "value size must be > 0");
                require(maxEntries > 0, what, "max entries must be > 0");
                break;
            case QUEUE:
            case STACK:
            case BLOOM_FILTER:
                require(keySize == 0, what, "key size " + keySize + ": expected 0 (no keys)");
                require(valueSize > 0, what, "value size must be > 0");
                require(maxEntries > 0, what, "max entries must be > 0");
                break;
            case STACK_TRACE:
                require(keySize == 4, what, "key size " + keySize + ": expected 4 (stack id)");
                require(valueSize > 0 && valueSize % 8 == 0, what, "value size " + valueSize
                        + ": expected a positive multiple of 8 (one u64 per frame)");
                require(maxEntries > 0, what, "max entries must be > 0");
                break;
            case LPM_TRIE:
                require(keySize > 4 && keySize <= 4 + 256, what, "key size " + keySize
                        + ": expected 4 (prefix length) + 1..256 data bytes");
                require(valueSize > 0, what, "value size must be > 0");
                require(maxEntries > 0, what, "max entries must be > 0");
                require((flags & F_NO_PREALLOC) != 0, what, "LPM tries need F_NO_PREALLOC");
                break;
            default:
                require(keySize > 0, what, "key size must be > 0");
                require(valueSize > 0, what, "value size must be > 0");
                require(maxEntries > 0, what, "max entries must be > 0");
        }
        if (type.isPerCpu()) {
            require(valueSize <= 32768, what, "value size " + valueSize + ": per-CPU values are at most 32768 bytes");
        }
        if (type.isMapInMap()) {
            require(innerMap != null, what, "an inner map template is required");
            require(valueSize == 4, what, "value size " + valueSize + ": expected 4 (an fd)");
        } else if (innerMap != null) {
            throw new IllegalArgumentException(what + ": only ARRAY_OF_MAPS and HASH_OF_MAPS take an inner map");
        }
    }

    private static void require(boolean ok, String what, String message) {
        if (!ok) {
            throw new IllegalArgumentException(what + ": " + message);
        }
    }

    private static int suggestRingSize(int size) {
        int s = MIN_PAGE;
        while (s < size && s < MAX_RING_SIZE) {
            s <<= 1;
        }
        return s;
    }

    private static MapSpec of(MapType type, String name, int keySize, int valueSize, int maxEntries) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, 0, null, 0);
    }

    /** {@code BPF_MAP_TYPE_HASH}. */
    public static MapSpec hash(String name, int keySize, int valueSize, int maxEntries) {
        return of(MapType.HASH, name, keySize, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_ARRAY} (u32 keys). */
    public static MapSpec array(String name, int valueSize, int maxEntries) {
        return of(MapType.ARRAY, name, 4, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_PERCPU_HASH}; {@code valueSize} is per CPU. */
    public static MapSpec perCpuHash(String name, int keySize, int valueSize, int maxEntries) {
        return of(MapType.PERCPU_HASH, name, keySize, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}; {@code valueSize} is per CPU. */
    public static MapSpec perCpuArray(String name, int valueSize, int maxEntries) {
        return of(MapType.PERCPU_ARRAY, name, 4, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_LRU_HASH}. */
    public static MapSpec lruHash(String name, int keySize, int valueSize, int maxEntries) {
        return of(MapType.LRU_HASH, name, keySize, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_LRU_PERCPU_HASH}. */
    public static MapSpec lruPerCpuHash(String name, int keySize, int valueSize, int maxEntries) {
        return of(MapType.LRU_PERCPU_HASH, name, keySize, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_RINGBUF} of {@code sizeBytes} (a power of two, a multiple of the page size). */
    public static MapSpec ringBuf(String name, int sizeBytes) {
        return of(MapType.RINGBUF, name, 0, 0, sizeBytes);
    }

    /** {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} with one slot per possible CPU. */
    public static MapSpec perfEventArray(String name) {
        return of(MapType.PERF_EVENT_ARRAY, name, 4, 4, PossibleCpus.count());
    }

    /** {@code BPF_MAP_TYPE_STACK_TRACE} holding up to {@code maxDepth} frames per stack. */
    public static MapSpec stackTrace(String name, int maxDepth, int maxEntries) {
        return of(MapType.STACK_TRACE, name, 4, 8 * maxDepth, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_PROG_ARRAY} for tail calls. */
    public static MapSpec progArray(String name, int maxEntries) {
        return of(MapType.PROG_ARRAY, name, 4, 4, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_ARRAY_OF_MAPS}; inner maps must match {@code inner}. */
    public static MapSpec arrayOfMaps(String name, int maxEntries, MapSpec inner) {
        return new MapSpec(MapType.ARRAY_OF_MAPS, name, 4, 4, maxEntries, 0, inner, 0);
    }

    /** {@code BPF_MAP_TYPE_HASH_OF_MAPS}; inner maps must match {@code inner}. */
    public static MapSpec hashOfMaps(String name, int keySize, int maxEntries, MapSpec inner) {
        return new MapSpec(MapType.HASH_OF_MAPS, name, keySize, 4, maxEntries, 0, inner, 0);
    }

    /** {@code BPF_MAP_TYPE_QUEUE} (FIFO, no keys). */
    public static MapSpec queue(String name, int valueSize, int maxEntries) {
        return of(MapType.QUEUE, name, 0, valueSize, maxEntries);
    }

    /** {@code BPF_MAP_TYPE_STACK} (LIFO, no keys). */
    public static MapSpec stack(String name, int valueSize, int maxEntries) {
        return of(MapType.STACK, name, 0, valueSize, maxEntries);
    }

    /**
     * {@code BPF_MAP_TYPE_LPM_TRIE}: keys are a u32 prefix length in bits followed by
     * {@code dataBytes} of data; {@code F_NO_PREALLOC} is set for you.
     */
    public static MapSpec lpmTrie(String name, int dataBytes, int valueSize, int maxEntries) {
        return new MapSpec(MapType.LPM_TRIE, name, 4 + dataBytes, valueSize, maxEntries, F_NO_PREALLOC, null, 0);
    }

    /** {@code BPF_MAP_TYPE_BLOOM_FILTER} using {@code hashes} hash functions (1..15; 0 = kernel default). */
    public static MapSpec bloomFilter(String name, int valueSize, int maxEntries, int hashes) {
        if (hashes < 0 || hashes > 15) {
            throw new IllegalArgumentException("map '" + name + "' (BLOOM_FILTER): " + hashes
                    + " hash functions: expected 0..15");
        }
        return new MapSpec(MapType.BLOOM_FILTER, name, 0, valueSize, maxEntries, 0, null, hashes);
    }

    /** The same spec with these creation flags (replacing the old ones). */
    public MapSpec withFlags(int newFlags) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, newFlags, innerMap, mapExtra);
    }

    /** The same spec with another name. */
    public MapSpec withName(String newName) {
        return new MapSpec(type, newName, keySize, valueSize, maxEntries, flags, innerMap, mapExtra);
    }

    /** The same spec with another capacity. */
    public MapSpec withMaxEntries(int newMaxEntries) {
        return new MapSpec(type, name, keySize, valueSize, newMaxEntries, flags, innerMap, mapExtra);
    }
}
