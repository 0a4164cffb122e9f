package io.bpf4j.syscall;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.codec.Codec;
import io.bpf4j.syscall.internal.Attr;
import io.bpf4j.syscall.internal.Direct;
import io.bpf4j.syscall.internal.KernelResource;
import io.bpf4j.syscall.internal.PossibleCpus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A BPF map owned by this process: create it from a {@link MapSpec}, read and write it from
 * Java, hand it to programs (it is a {@link MapReference}), close it.
 *
 * <pre>{@code
 * try (BpfMap counts = BpfMap.create(MapSpec.hash("counts", 4, 8, 1024))) {
 *     counts.update(key(7), value(1));
 *     Optional<byte[]> v = counts.lookup(key(7));
 *     for (byte[] k : counts.keys()) { ... }
 * }
 * }</pre>
 *
 * Keys and values are checked against the map's sizes before the syscall. Per-CPU maps read
 * and write one value per possible CPU ({@link #lookupPerCpu}); queues and stacks use
 * {@link #push}/{@link #pop}/{@link #peek}. A closed map refuses every operation with a clear
 * error. Methods are thread-safe as the kernel's map operations are.
 */
public final class BpfMap implements MapReference, AutoCloseable {
    /** {@code BPF_ANY}: create or replace. */
    public static final long ANY = 0;
    /** {@code BPF_NOEXIST}: create only. */
    public static final long NOEXIST = 1;
    /** {@code BPF_EXIST}: replace only. */
    public static final long EXIST = 2;
    /** {@code BPF_F_LOCK}: take the value's spin lock. */
    public static final long F_LOCK = 4;

    private final Kernel kernel;
    private final MapSpec spec;
    private final KernelResource resource;
    private final int cpus;
    /** Bytes of one value as the kernel copies it: per-CPU values are 8-byte aligned, one per CPU. */
    private final int valueBytes;

    private BpfMap(Kernel kernel, MapSpec spec, int fd) {
        this.kernel = kernel;
        this.spec = spec;
        this.cpus = spec.type().isPerCpu() ? PossibleCpus.count() : 1;
        this.valueBytes = spec.type().isPerCpu() ? ((spec.valueSize() + 7) & ~7) * cpus : spec.valueSize();
        this.resource = new KernelResource(this, kernel, "map '" + spec.name() + "' (" + spec.type() + ")", fd);
    }

    /** Creates a map with the system kernel. */
    public static BpfMap create(MapSpec spec) {
        return create(Kernel.system(), spec);
    }

    /** Creates a map through {@code kernel}. */
    public static BpfMap create(Kernel kernel, MapSpec spec) {
        requireArgument(kernel, "kernel");
        if (spec == null) {
            throw new NullPointerException("spec is null: pass a MapSpec (MapSpec.hash(...), MapSpec.array(...), ...)");
        }
        int innerFd = 0;
        BpfMap inner = null;
        if (spec.innerMap() != null) {
            inner = create(kernel, spec.innerMap());
            innerFd = inner.fd();
        }
        try {
            int fd;
            try {
                fd = kernel.mapCreate(new Kernel.MapCreateRequest(spec.type().code(), spec.keySize(), spec.valueSize(),
                        spec.maxEntries(), spec.flags(), innerFd, spec.name(), spec.mapExtra()));
            } catch (BpfException e) {
                throw explainCreate(spec, e);
            }
            return new BpfMap(kernel, spec, fd);
        } finally {
            if (inner != null) {
                inner.close();
            }
        }
    }

    private static BpfException explainCreate(MapSpec spec, BpfException e) {
        String what = "BPF_MAP_CREATE '" + spec.name() + "' (" + spec.type().kernelName() + ")";
        switch (e.errno()) {
            case EINVAL:
                return new BpfException(what, e.errno(), "the kernel rejected map_type " + spec.type().code()
                        + ", key_size " + spec.keySize() + ", value_size " + spec.valueSize() + ", max_entries "
                        + spec.maxEntries() + " or map_flags 0x" + Integer.toHexString(spec.flags())
                        + " (unknown type on this kernel? ring buffer size not a page multiple?)", e);
            case E2BIG:
                return new BpfException(what, e.errno(), "key, value or capacity too large for this map type", e);
            case ENOMEM:
                return new BpfException(what, e.errno(), "the kernel could not allocate " + spec.maxEntries()
                        + " entries (memory cgroup limit?)", e);
            default:
                return new BpfException(what, e.errno(), e.hint(), e);
        }
    }

    /** Opens the map pinned at {@code path} (in a bpf filesystem). */
    public static BpfMap openPinned(String path) {
        return openPinned(Kernel.system(), path);
    }

    /** Opens the map pinned at {@code path} through {@code kernel}. */
    public static BpfMap openPinned(Kernel kernel, String path) {
        int fd = kernel.objGet(path, 0);
        try {
            MapInfo info = infoOf(kernel, fd);
            MapSpec spec = new MapSpec(info.type(), info.name(), info.keySize(), info.valueSize(), info.maxEntries(),
                    info.flags(), info.type().isMapInMap() ? MapSpec.array("inner", 4, 1) : null, info.mapExtra());
            return new BpfMap(kernel, spec, fd);
        } catch (RuntimeException e) {
            kernel.close(fd);
            throw e;
        }
    }

    private static MapInfo infoOf(Kernel kernel, int fd) {
        ByteBuffer b = Direct.zeroed(Direct.CURSOR, Attr.MAP_INFO_SIZE);
        kernel.objGetInfoByFd(fd, b);
        return new MapInfo(MapType.of(b.getInt(Attr.MAP_INFO_TYPE)), b.getInt(Attr.MAP_INFO_ID),
                b.getInt(Attr.MAP_INFO_KEY_SIZE), b.getInt(Attr.MAP_INFO_VALUE_SIZE), b.getInt(Attr.MAP_INFO_MAX_ENTRIES),
                b.getInt(Attr.MAP_INFO_MAP_FLAGS), Direct.cString(b, Attr.MAP_INFO_NAME, Attr.OBJ_NAME_LEN),
                b.getLong(Attr.MAP_INFO_MAP_EXTRA));
    }

    // ---- identity -----------------------------------------------------------------------------

    @Override
    public String name() {
        return spec.name();
    }

    /**
     * The map's fd number; throws once the map is closed. The map's own operations are safe against
     * a concurrent {@link #close()}; a number taken from here is not (after the close the kernel may
     * give it to another object), so use it only while the map is certainly open.
     */
    @Override
    public int fd() {
        return resource.fd();
    }

    /** The spec it was created from (for an opened pin: as the kernel reports it). */
    public MapSpec spec() {
        return spec;
    }

    /** The map type. */
    public MapType type() {
        return spec.type();
    }

    /** Key size in bytes. */
    public int keySize() {
        return spec.keySize();
    }

    /** Value size in bytes (per CPU for per-CPU maps). */
    public int valueSize() {
        return spec.valueSize();
    }

    /** Capacity (for a ring buffer: its size in bytes). */
    public int maxEntries() {
        return spec.maxEntries();
    }

    /** The kernel that owns the map. */
    public Kernel kernel() {
        return kernel;
    }

    /** What the kernel reports about the map now. */
    public MapInfo info() {
        int fd = resource.acquire();
        try {
            return infoOf(kernel, fd);
        } finally {
            resource.release();
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        return resource.isClosed();
    }

    // ---- element operations ---------------------------------------------------------------------

    private ByteBuffer keyBuf(byte[] key) {
        checkKey(key == null ? -1 : key.length);
        return key == null ? null : Direct.of(Direct.KEY, key);
    }

    private void checkKey(int length) {
        if (spec.type().isKeyless()) {
            if (length > 0) {
                throw new IllegalArgumentException(this + " has no keys (key_size 0): use push/pop/peek");
            }
            return;
        }
        if (length != spec.keySize()) {
            throw new IllegalArgumentException(this + ": key is " + (length < 0 ? "missing" : length + " bytes")
                    + ": expected " + spec.keySize() + " (key_size)");
        }
    }

    private void checkValue(int length, boolean perCpuWhole) {
        int expected = perCpuWhole ? valueBytes : spec.valueSize();
        if (length != expected) {
            throw new IllegalArgumentException(this + ": value is " + length + " bytes: expected " + expected
                    + (perCpuWhole && cpus > 1 ? " (" + cpus + " possible CPUs x " + ((spec.valueSize() + 7) & ~7) + ")"
                    : " (value_size)"));
        }
    }

    private void notPerCpu(String op) {
        if (spec.type().isPerCpu()) {
            throw new IllegalArgumentException(this + " is per-CPU: use " + op + "PerCpu (one value per possible CPU)");
        }
    }

    /** The value for {@code key}, if present. */
    public Optional<byte[]> lookup(byte[] key) {
        notPerCpu("lookup");
        int fd = resource.acquire();
        try {
            ByteBuffer k = keyBuf(key);
            ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
            if (!kernel.mapLookupElem(fd, k, v, 0)) {
                return Optional.empty();
            }
            return Optional.of(Direct.bytes(v, valueBytes));
        } finally {
            resource.release();
        }
    }

    /**
     * Looks up {@code key} (its remaining bytes) into {@code value} (from its position; for
     * per-CPU maps the whole per-CPU array). Returns false if absent. Buffers may be heap or direct.
     */
    public boolean lookup(ByteBuffer key, ByteBuffer value) {
        checkKey(key == null ? -1 : key.remaining());
        requireArgument(value, "value");
        if (value.remaining() < valueBytes) {
            throw new IllegalArgumentException(this + ": value buffer has " + value.remaining() + " bytes: expected "
                    + valueBytes);
        }
        int fd = resource.acquire();
        try {
            ByteBuffer k = key == null ? null : Direct.of(Direct.KEY, key);
            ByteBuffer v = value.isDirect() ? value : Direct.slot(Direct.VALUE, valueBytes);
            if (!kernel.mapLookupElem(fd, k, v, 0)) {
                return false;
            }
            if (v != value) {
                value.put(value.position(), v, 0, valueBytes);
            }
            return true;
        } finally {
            resource.release();
        }
    }

    /** Inserts or replaces ({@link #ANY}). */
    public void update(byte[] key, byte[] value) {
        update(key, value, ANY);
    }

    /** Updates with {@link #ANY}, {@link #NOEXIST}, {@link #EXIST}, optionally {@code | F_LOCK}. */
    public void update(byte[] key, byte[] value, long flags) {
        notPerCpu("update");
        requireArgument(value, "value");
        checkValue(value.length, false);
        int fd = resource.acquire();
        try {
            ByteBuffer k = keyBuf(key);
            ByteBuffer v = Direct.of(Direct.VALUE, value);
            doUpdate(fd, k, v, flags);
        } finally {
            resource.release();
        }
    }

    /** Updates from buffers (their remaining bytes; heap or direct). */
    public void update(ByteBuffer key, ByteBuffer value, long flags) {
        checkKey(key == null ? -1 : key.remaining());
        requireArgument(value, "value");
        checkValue(value.remaining(), spec.type().isPerCpu());
        int fd = resource.acquire();
        try {
            doUpdate(fd, key == null ? null : Direct.of(Direct.KEY, key), Direct.of(Direct.VALUE, value), flags);
        } finally {
            resource.release();
        }
    }

    private void doUpdate(int fd, ByteBuffer k, ByteBuffer v, long flags) {
        try {
            kernel.mapUpdateElem(fd, k, v, flags);
        } catch (BpfException e) {
            throw explainUpdate(e, flags);
        }
    }

    private BpfException explainUpdate(BpfException e, long flags) {
        String what = "BPF_MAP_UPDATE_ELEM on " + this;
        switch (e.errno()) {
            case EEXIST:
                return new BpfException(what, e.errno(), "key exists and flags were NOEXIST", e);
            case ENOENT:
                return new BpfException(what, e.errno(), "key absent and flags were EXIST", e);
            case E2BIG:
                return new BpfException(what, e.errno(), "map full (" + spec.maxEntries() + " entries) or index out of range",
                        e);
            case EINVAL:
                return new BpfException(what, e.errno(), "flags 0x" + Long.toHexString(flags)
                        + " or the value rejected (map-in-map values are fds of compatible maps)", e);
            case EPERM:
                return new BpfException(what, e.errno(), "the map is frozen or read-only for user space", e);
            default:
                return new BpfException(what, e.errno(), e.hint(), e);
        }
    }

    /** Deletes {@code key}; false if it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key == null ? -1 : key.length);
        int fd = resource.acquire();
        try {
            return kernel.mapDeleteElem(fd, keyBuf(key));
        } finally {
            resource.release();
        }
    }

    /** Deletes {@code key} (its remaining bytes); false if it was absent. */
    public boolean delete(ByteBuffer key) {
        checkKey(key == null ? -1 : key.remaining());
        int fd = resource.acquire();
        try {
            return kernel.mapDeleteElem(fd, key == null ? null : Direct.of(Direct.KEY, key));
        } finally {
            resource.release();
        }
    }

    /** Looks up and deletes {@code key} in one step. */
    public Optional<byte[]> lookupAndDelete(byte[] key) {
        notPerCpu("lookupAndDelete");
        int fd = resource.acquire();
        try {
            ByteBuffer k = keyBuf(key);
            ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
            if (!kernel.mapLookupAndDeleteElem(fd, k, v, 0)) {
                return Optional.empty();
            }
            return Optional.of(Direct.bytes(v, valueBytes));
        } finally {
            resource.release();
        }
    }

    /** Queue/stack/bloom filter: adds {@code value}. */
    public void push(byte[] value) {
        requireKeyless("push");
        requireArgument(value, "value");
        checkValue(value.length, false);
        int fd = resource.acquire();
        try {
            doUpdate(fd, null, Direct.of(Direct.VALUE, value), ANY);
        } finally {
            resource.release();
        }
    }

    /** Queue/stack: removes and returns the next value. */
    public Optional<byte[]> pop() {
        requireKeyless("pop");
        return lookupAndDelete(null);
    }

    /** Queue/stack: the next value, left in place; bloom filter: use {@link #mightContain}. */
    public Optional<byte[]> peek() {
        requireKeyless("peek");
        return lookup((byte[]) null);
    }

    /** Bloom filter: false if {@code value} was certainly never pushed. */
    public boolean mightContain(byte[] value) {
        if (spec.type() != MapType.BLOOM_FILTER) {
            throw new IllegalArgumentException(this + " is not a bloom filter");
        }
        requireArgument(value, "value");
        checkValue(value.length, false);
        int fd = resource.acquire();
        try {
            return kernel.mapLookupElem(fd, null, Direct.of(Direct.VALUE, value), 0);
        } finally {
            resource.release();
        }
    }

    private static void requireArgument(Object argument, String name) {
        if (argument == null) {
            throw new NullPointerException(name + " is null");
        }
    }

    private void requireKeyless(String op) {
        if (!spec.type().isKeyless()) {
            throw new IllegalArgumentException(op + " is for queues, stacks and bloom filters; " + this + " has keys");
        }
    }

    // ---- per-CPU ----------------------------------------------------------------------------------

    /** Per-CPU maps: one value per possible CPU, CPU 0 first. */
    public Optional<List<byte[]>> lookupPerCpu(byte[] key) {
        requirePerCpu();
        int fd = resource.acquire();
        try {
            ByteBuffer k = keyBuf(key);
            ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
            if (!kernel.mapLookupElem(fd, k, v, 0)) {
                return Optional.empty();
            }
            return Optional.of(splitPerCpu(v, 0));
        } finally {
            resource.release();
        }
    }

    /** Per-CPU maps: writes one value per possible CPU ({@link #possibleCpus()} of them). */
    public void updatePerCpu(byte[] key, List<byte[]> values, long flags) {
        requirePerCpu();
        requireArgument(values, "values");
        if (values.size() != cpus) {
            throw new IllegalArgumentException(this + ": " + values.size() + " per-CPU values: expected " + cpus
                    + " (possible CPUs)");
        }
        for (int c = 0; c < cpus; c++) {
            byte[] one = values.get(c);
            requireArgument(one, "values[" + c + "]");
            checkValue(one.length, false);
        }
        int fd = resource.acquire();
        try {
            ByteBuffer k = keyBuf(key);
            ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
            int stride = (spec.valueSize() + 7) & ~7;
            for (int c = 0; c < cpus; c++) {
                byte[] one = values.get(c);
                for (int i = 0; i < stride; i++) {
                    v.put(c * stride + i, i < one.length ? one[i] : 0);
                }
            }
            doUpdate(fd, k, v, flags);
        } finally {
            resource.release();
        }
    }

    private List<byte[]> splitPerCpu(ByteBuffer v, int base) {
        int stride = (spec.valueSize() + 7) & ~7;
        List<byte[]> out = new ArrayList<>(cpus);
        for (int c = 0; c < cpus; c++) {
            byte[] one = new byte[spec.valueSize()];
            v.get(base + c * stride, one, 0, one.length);
            out.add(one);
        }
        return out;
    }

    private void requirePerCpu() {
        if (!spec.type().isPerCpu()) {
            throw new IllegalArgumentException(this + " is not per-CPU: use lookup/update");
        }
    }

    /** Number of possible CPUs (slots in a per-CPU value). */
    public int possibleCpus() {
        return PossibleCpus.count();
    }

    // ---- iteration --------------------------------------------------------------------------------

    /** Every key, in the kernel's order (a snapshot; concurrent deletes may end it early). */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        forEachKey(out::add);
        return out;
    }

    /** Calls {@code action} with each key (a fresh array each time). */
    public void forEachKey(Consumer<byte[]> action) {
        requireArgument(action, "action");
        if (spec.type().isKeyless()) {
            throw new IllegalArgumentException(this + " has no keys to iterate");
        }
        int n = spec.keySize();
        byte[] cursor = null;
        while (true) {
            // One use per step, not around the action: the action may close the map (the next
            // step then fails as closed) and must not hold the close back.
            byte[] k;
            int fd = resource.acquire();
            try {
                ByteBuffer cur = cursor == null ? null : Direct.of(Direct.KEY, cursor);
                ByteBuffer next = Direct.slot(Direct.KEY2, n);
                if (!kernel.mapGetNextKey(fd, cur, next)) {
                    return;
                }
                k = Direct.bytes(next, n);
            } finally {
                resource.release();
            }
            cursor = k.clone();
            action.accept(k);
        }
    }

    // ---- batches ----------------------------------------------------------------------------------

    /**
     * A key and its value (for per-CPU maps, the per-CPU values back to back, each 8-byte aligned).
     *
     * @param key the key bytes
     * @param value the value bytes
     */
    public record Entry(byte[] key, byte[] value) {
    }

    /** All entries through {@code BPF_MAP_LOOKUP_BATCH}, {@code chunk} entries per syscall. */
    public List<Entry> lookupBatch(int chunk) {
        return batch(chunk, false);
    }

    /** All entries, deleting them, through {@code BPF_MAP_LOOKUP_AND_DELETE_BATCH}. */
    public List<Entry> lookupAndDeleteBatch(int chunk) {
        return batch(chunk, true);
    }

    private List<Entry> batch(int chunk, boolean delete) {
        if (chunk <= 0) {
            throw new IllegalArgumentException("batch chunk " + chunk + ": expected > 0");
        }
        int fd = resource.acquire();
        try {
            return batch(fd, chunk, delete);
        } finally {
            resource.release();
        }
    }

    private List<Entry> batch(int fd, int requestedChunk, boolean delete) {
        // The kernel returns at most max_entries per call; more would only size the buffers
        // beyond any use (and chunk * size overflows int for chunks near Integer.MAX_VALUE).
        int chunk = Math.min(requestedChunk, Math.max(1, spec.maxEntries()));
        int ks = spec.keySize();
        int cursorSize = Math.max(8, ks);
        ByteBuffer in = ByteBuffer.allocateDirect(cursorSize).order(ByteOrder.nativeOrder());
        ByteBuffer out = ByteBuffer.allocateDirect(cursorSize).order(ByteOrder.nativeOrder());
        List<Entry> result = new ArrayList<>();
        boolean first = true;
        int size = chunk;
        while (true) {
            long keyBytes = (long) size * ks;
            long valueBytesTotal = (long) size * valueBytes;
            if (keyBytes > Integer.MAX_VALUE || valueBytesTotal > Integer.MAX_VALUE) {
                // Only for huge entries: fall back to the largest chunk that fits a buffer.
                size = Math.max(1, Integer.MAX_VALUE / Math.max(ks, valueBytes));
                keyBytes = (long) size * ks;
                valueBytesTotal = (long) size * valueBytes;
            }
            ByteBuffer keys = ByteBuffer.allocateDirect((int) keyBytes);
            ByteBuffer values = ByteBuffer.allocateDirect((int) valueBytesTotal);
            Kernel.BatchResult r;
            try {
                r = kernel.mapLookupBatch(fd, first ? null : in, out, keys, values, size, 0, delete);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOSPC && size < (1 << 20) && size < Integer.MAX_VALUE / 2) {
                    // A hash bucket holds more entries than fit: the kernel asks for a bigger batch.
                    size *= 2;
                    continue;
                }
                if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOTSUPP || e.errno() == Errno.EOPNOTSUPP) {
                    throw new BpfException(e.operation() + " on " + this, e.errno(),
                            "batch operations are not supported for " + spec.type() + " on this kernel", e);
                }
                throw e;
            }
            for (int i = 0; i < r.count(); i++) {
                byte[] k = new byte[ks];
                byte[] v = new byte[valueBytes];
                keys.get(i * ks, k, 0, ks);
                values.get(i * valueBytes, v, 0, valueBytes);
                result.add(new Entry(k, v));
            }
            if (r.done()) {
                return result;
            }
            first = false;
            in.put(0, out, 0, cursorSize);
        }
    }

    /** Writes many entries in one {@code BPF_MAP_UPDATE_BATCH}; returns how many were written. */
    public int updateBatch(List<byte[]> keys, List<byte[]> values, long flags) {
        requireArgument(keys, "keys");
        requireArgument(values, "values");
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        int ks = spec.keySize();
        ByteBuffer kb = ByteBuffer.allocateDirect(batchBytes(keys.size(), ks));
        ByteBuffer vb = ByteBuffer.allocateDirect(batchBytes(values.size(), valueBytes));
        for (int i = 0; i < keys.size(); i++) {
            requireArgument(keys.get(i), "keys[" + i + "]");
            requireArgument(values.get(i), "values[" + i + "]");
            checkKey(keys.get(i).length);
            checkValue(values.get(i).length, spec.type().isPerCpu());
            kb.put(i * ks, keys.get(i));
            vb.put(i * valueBytes, values.get(i));
        }
        int fd = resource.acquire();
        try {
            return kernel.mapUpdateBatch(fd, kb, vb, keys.size(), flags);
        } finally {
            resource.release();
        }
    }

    private int batchBytes(int count, int each) {
        long bytes = (long) count * each;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(this + ": a batch of " + count + " entries of " + each + " bytes is "
                    + bytes + " bytes: at most " + Integer.MAX_VALUE + " per call; split it");
        }
        return (int) Math.max(1, bytes);
    }

    /** Deletes many keys in one {@code BPF_MAP_DELETE_BATCH}; returns how many were deleted. */
    public int deleteBatch(List<byte[]> keys) {
        requireArgument(keys, "keys");
        int ks = spec.keySize();
        ByteBuffer kb = ByteBuffer.allocateDirect(batchBytes(keys.size(), ks));
        for (int i = 0; i < keys.size(); i++) {
            requireArgument(keys.get(i), "keys[" + i + "]");
            checkKey(keys.get(i).length);
            kb.put(i * ks, keys.get(i));
        }
        int fd = resource.acquire();
        try {
            return kernel.mapDeleteBatch(fd, kb, keys.size(), 0);
        } finally {
            resource.release();
        }
    }

    // ---- the rest ---------------------------------------------------------------------------------

    /** Makes the map read-only for user space (programs may still write). */
    public void freeze() {
        int fd = resource.acquire();
        try {
            kernel.mapFreeze(fd);
        } finally {
            resource.release();
        }
    }

    /** Pins the map at {@code path} in a bpf filesystem (mounting bpffs at /sys/fs/bpf if needed). */
    public void pin(String path) {
        requireArgument(path, "path");
        int fd = resource.acquire();
        try {
            Bpffs.pin(kernel, fd, path);
        } finally {
            resource.release();
        }
    }

    /**
     * Starts a use of the fd for code in this package that passes it to the kernel (a program load
     * referring to the map): the number stays this map's until {@link #releaseFd()}.
     */
    int acquireFd() {
        return resource.acquire();
    }

    /** Ends a use started by {@link #acquireFd()}. */
    void releaseFd() {
        resource.release();
    }

    /**
     * A typed view through two codecs whose sizes match the map's key and value sizes:
     * {@code map.typed(Codec.u32(), StructLayout.codec(Exec.class))}.
     *
     * @throws IllegalArgumentException if a codec's size is not the map's
     */
    public <K, V> TypedMap<K, V> typed(Codec<K> keyCodec, Codec<V> valueCodec) {
        return new TypedMap<>(this, keyCodec, valueCodec);
    }

    /** Closes the map's fd (programs using it keep it alive in the kernel); a second call does nothing. */
    @Override
    public void close() {
        resource.close();
    }

    @Override
    public String toString() {
        return resource.description() + (resource.isClosed() ? " [closed]" : " fd " + resource.rawFd());
    }
}
