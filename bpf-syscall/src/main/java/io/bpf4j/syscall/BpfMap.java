package io.bpf4j.syscall;

import io.bpf4j.core.MapReference;
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

    /** The map's fd; throws once the map is closed. */
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
        return infoOf(kernel, fd());
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
        int fd = fd();
        ByteBuffer k = keyBuf(key);
        ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
        if (!kernel.mapLookupElem(fd, k, v, 0)) {
            return Optional.empty();
        }
        return Optional.of(Direct.bytes(v, valueBytes));
    }

    /**
     * Looks up {@code key} (its remaining bytes) into {@code value} (from its position; for
     * per-CPU maps the whole per-CPU array). Returns false if absent. Buffers may be heap or direct.
     */
    public boolean lookup(ByteBuffer key, ByteBuffer value) {
        int fd = fd();
        checkKey(key == null ? -1 : key.remaining());
        if (value.remaining() < valueBytes) {
            throw new IllegalArgumentException(this + ": value buffer has " + value.remaining() + " bytes: expected "
                    + valueBytes);
        }
        ByteBuffer k = key == null ? null : Direct.of(Direct.KEY, key);
        ByteBuffer v = value.isDirect() ? value : Direct.slot(Direct.VALUE, valueBytes);
        if (!kernel.mapLookupElem(fd, k, v, 0)) {
            return false;
        }
        if (v != value) {
            value.put(value.position(), v, 0, valueBytes);
        }
        return true;
    }

    /** Inserts or replaces ({@link #ANY}). */
    public void update(byte[] key, byte[] value) {
        update(key, value, ANY);
    }

    /** Updates with {@link #ANY}, {@link #NOEXIST}, {@link #EXIST}, optionally {@code | F_LOCK}. */
    public void update(byte[] key, byte[] value, long flags) {
        notPerCpu("update");
        int fd = fd();
        checkValue(value.length, false);
        ByteBuffer k = keyBuf(key);
        ByteBuffer v = Direct.of(Direct.VALUE, value);
        doUpdate(fd, k, v, flags);
    }

    /** Updates from buffers (their remaining bytes; heap or direct). */
    public void update(ByteBuffer key, ByteBuffer value, long flags) {
        int fd = fd();
        checkKey(key == null ? -1 : key.remaining());
        checkValue(value.remaining(), spec.type().isPerCpu());
        doUpdate(fd, key == null ? null : Direct.of(Direct.KEY, key), Direct.of(Direct.VALUE, value), flags);
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
        int fd = fd();
        ByteBuffer k = keyBuf(key);
        return kernel.mapDeleteElem(fd, k);
    }

    /** Deletes {@code key} (its remaining bytes); false if it was absent. */
    public boolean delete(ByteBuffer key) {
        int fd = fd();
        checkKey(key.remaining());
        return kernel.mapDeleteElem(fd, Direct.of(Direct.KEY, key));
    }

    /** Looks up and deletes {@code key} in one step. */
    public Optional<byte[]> lookupAndDelete(byte[] key) {
        notPerCpu("lookupAndDelete");
        int fd = fd();
        ByteBuffer k = keyBuf(key);
        ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
        if (!kernel.mapLookupAndDeleteElem(fd, k, v, 0)) {
            return Optional.empty();
        }
        return Optional.of(Direct.bytes(v, valueBytes));
    }

    /** Queue/stack/bloom filter: adds {@code value}. */
    public void push(byte[] value) {
        requireKeyless("push");
        int fd = fd();
        checkValue(value.length, false);
        doUpdate(fd, null, Direct.of(Direct.VALUE, value), ANY);
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
        int fd = fd();
        checkValue(value.length, false);
        return kernel.mapLookupElem(fd, null, Direct.of(Direct.VALUE, value), 0);
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
        int fd = fd();
        ByteBuffer k = keyBuf(key);
        ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
        if (!kernel.mapLookupElem(fd, k, v, 0)) {
            return Optional.empty();
        }
        return Optional.of(splitPerCpu(v, 0));
    }

    /** Per-CPU maps: writes one value per possible CPU ({@link #possibleCpus()} of them). */
    public void updatePerCpu(byte[] key, List<byte[]> values, long flags) {
        requirePerCpu();
        int fd = fd();
        if (values.size() != cpus) {
            throw new IllegalArgumentException(this + ": " + values.size() + " per-CPU values: expected " + cpus
                    + " (possible CPUs)");
        }
        ByteBuffer k = keyBuf(key);
        ByteBuffer v = Direct.slot(Direct.VALUE, valueBytes);
        int stride = (spec.valueSize() + 7) & ~7;
        for (int c = 0; c < cpus; c++) {
            byte[] one = values.get(c);
            checkValue(one.length, false);
            for (int i = 0; i < stride; i++) {
                v.put(c * stride + i, i < one.length ? one[i] : 0);
            }
        }
        doUpdate(fd, k, v, flags);
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
        int fd = fd();
        if (spec.type().isKeyless()) {
            throw new IllegalArgumentException(this + " has no keys to iterate");
        }
        int n = spec.keySize();
        ByteBuffer cur = Direct.slot(Direct.KEY, n);
        ByteBuffer next = Direct.slot(Direct.KEY2, n);
        boolean first = true;
        while (kernel.mapGetNextKey(fd, first ? null : cur, next)) {
            first = false;
            byte[] k = Direct.bytes(next, n);
            cur.put(0, k, 0, n);
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
        int fd = fd();
        if (chunk <= 0) {
            throw new IllegalArgumentException("batch chunk " + chunk + ": expected > 0");
        }
        int ks = spec.keySize();
        int cursorSize = Math.max(8, ks);
        ByteBuffer in = ByteBuffer.allocateDirect(cursorSize).order(ByteOrder.nativeOrder());
        ByteBuffer out = ByteBuffer.allocateDirect(cursorSize).order(ByteOrder.nativeOrder());
        List<Entry> result = new ArrayList<>();
        boolean first = true;
        int size = chunk;
        while (true) {
            ByteBuffer keys = ByteBuffer.allocateDirect(size * ks);
            ByteBuffer values = ByteBuffer.allocateDirect(size * valueBytes);
            Kernel.BatchResult r;
            try {
                r = kernel.mapLookupBatch(fd, first ? null : in, out, keys, values, size, 0, delete);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOSPC && size < (1 << 20)) {
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
        int fd = fd();
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        int ks = spec.keySize();
        ByteBuffer kb = ByteBuffer.allocateDirect(Math.max(1, keys.size() * ks));
        ByteBuffer vb = ByteBuffer.allocateDirect(Math.max(1, values.size() * valueBytes));
        for (int i = 0; i < keys.size(); i++) {
            checkKey(keys.get(i).length);
            checkValue(values.get(i).length, spec.type().isPerCpu());
            kb.put(i * ks, keys.get(i));
            vb.put(i * valueBytes, values.get(i));
        }
        return kernel.mapUpdateBatch(fd, kb, vb, keys.size(), flags);
    }

    /** Deletes many keys in one {@code BPF_MAP_DELETE_BATCH}; returns how many were deleted. */
    public int deleteBatch(List<byte[]> keys) {
        int fd = fd();
        int ks = spec.keySize();
        ByteBuffer kb = ByteBuffer.allocateDirect(Math.max(1, keys.size() * ks));
        for (int i = 0; i < keys.size(); i++) {
            checkKey(keys.get(i).length);
            kb.put(i * ks, keys.get(i));
        }
        return kernel.mapDeleteBatch(fd, kb, keys.size(), 0);
    }

    // ---- the rest ---------------------------------------------------------------------------------

    /** Makes the map read-only for user space (programs may still write). */
    public void freeze() {
        kernel.mapFreeze(fd());
    }

    /** Pins the map at {@code path} in a bpf filesystem (mounting bpffs at /sys/fs/bpf if needed). */
    public void pin(String path) {
        Bpffs.pin(kernel, fd(), path);
    }

    /** A typed view through two codecs whose sizes match the map's. */
    public <K, V> TypedMap<K, V> typed(MapCodec<K> keyCodec, MapCodec<V> valueCodec) {
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
