package io.bpf4j.compiler;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A BPF hash map from an unsigned 4- or 8-byte key to a {@code u64} value, declared as a static
 * field of a program's class. In a compiled program each call becomes map helpers; on the JVM the
 * map lives in memory and follows the kernel's rules: keys are truncated to their width and a full
 * map refuses new keys (the kernel's {@code E2BIG}).
 *
 * <pre>{@code
 * static final LongHashMap EXECS = LongHashMap.of("execs_by_uid", 4, 10240);
 *
 * static int onExec(TracepointContext ctx) {
 *     EXECS.add(Bpf.currentUid(), 1);       // lookup, then atomic add (or insert 1)
 *     return 0;
 * }
 * }</pre>
 */
public final class LongHashMap implements MapField {
    private final MapDef definition;
    private final Map<Long, Long> jvm = new ConcurrentHashMap<>();

    private LongHashMap(MapDef definition) {
        this.definition = definition;
    }

    /**
     * @param name the map's name
     * @param keyBytes 4 ({@code u32} key) or 8 ({@code u64} key)
     * @param maxEntries the capacity
     */
    public static LongHashMap of(String name, int keyBytes, int maxEntries) {
        if (keyBytes != 4 && keyBytes != 8) {
            throw new IllegalArgumentException("map '" + name + "': key of " + keyBytes + " bytes: expected 4 or 8");
        }
        return new LongHashMap(new MapDef(name, MapDef.Kind.HASH, keyBytes, 8, maxEntries));
    }

    @Override
    public MapDef definition() {
        return definition;
    }

    private long key(long key) {
        return definition.keySize() == 4 ? key & 0xffff_ffffL : key;
    }

    /** The value of {@code key}, or {@code missing} when the map has none. */
    public long getOrDefault(long key, long missing) {
        Long v = jvm.get(key(key));
        return v == null ? missing : v;
    }

    /** True if the map holds {@code key}. */
    public boolean containsKey(long key) {
        return jvm.containsKey(key(key));
    }

    /** Sets {@code key} to {@code value} (a new key is dropped when the map is full, as in the kernel). */
    public void put(long key, long value) {
        synchronized (jvm) {
            long k = key(key);
            if (jvm.containsKey(k) || jvm.size() < definition.maxEntries()) {
                jvm.put(k, value);
            }
        }
    }

    /** Adds {@code delta} to the value of {@code key} (atomically in the kernel), inserting it when missing. */
    public void add(long key, long delta) {
        synchronized (jvm) {
            long k = key(key);
            Long v = jvm.get(k);
            if (v != null) {
                jvm.put(k, v + delta);
            } else if (jvm.size() < definition.maxEntries()) {
                jvm.put(k, delta);
            }
        }
    }

    /**
     * Adds {@code delta} to the value of {@code key} (an atomic fetch-and-add in the kernel), inserting
     * it when missing, and returns the new value: one map lookup where {@code add} then
     * {@code getOrDefault} would make two.
     */
    public long addAndGet(long key, long delta) {
        synchronized (jvm) {
            add(key, delta);
            return getOrDefault(key, 0);
        }
    }

    /** {@link #addAndGet(long, long)} with the int's unsigned value as the key. */
    public long addAndGet(int key, long delta) {
        return addAndGet(Integer.toUnsignedLong(key), delta);
    }

    /** Removes {@code key}. */
    public void remove(long key) {
        jvm.remove(key(key));
    }

    /** {@link #getOrDefault(long, long)} with the int's unsigned value as the key (no widening instructions). */
    public long getOrDefault(int key, long missing) {
        return getOrDefault(Integer.toUnsignedLong(key), missing);
    }

    /** {@link #containsKey(long)} with the int's unsigned value as the key. */
    public boolean containsKey(int key) {
        return containsKey(Integer.toUnsignedLong(key));
    }

    /** {@link #put(long, long)} with the int's unsigned value as the key. */
    public void put(int key, long value) {
        put(Integer.toUnsignedLong(key), value);
    }

    /** {@link #add(long, long)} with the int's unsigned value as the key. */
    public void add(int key, long delta) {
        add(Integer.toUnsignedLong(key), delta);
    }

    /** {@link #remove(long)} with the int's unsigned value as the key. */
    public void remove(int key) {
        remove(Integer.toUnsignedLong(key));
    }

    /** JVM only: the contents, sorted by key (unsigned keys as Java longs). */
    public Map<Long, Long> snapshot() {
        return new TreeMap<>(jvm);
    }

    /** JVM only: empties the map. */
    public void clear() {
        jvm.clear();
    }

    @Override
    public String toString() {
        return "LongHashMap " + definition;
    }
}
