package io.bpf4j.compiler;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A BPF array map of {@code u64} values indexed from 0, declared as a static field of a program's
 * class: counters and histograms. An index out of range reads 0 and writes nothing, in the kernel
 * and on the JVM alike.
 *
 * <pre>{@code
 * static final LongArrayMap HIST = LongArrayMap.of("hist", 64);
 * HIST.add(slot, 1);          // lookup, then an atomic add in place
 * }</pre>
 */
public final class LongArrayMap implements MapField {
    private final MapDef definition;
    private final AtomicLongArray jvm;

    private LongArrayMap(MapDef definition) {
        this.definition = definition;
        this.jvm = new AtomicLongArray(definition.maxEntries());
    }

    /** An array of {@code entries} u64 values. */
    public static LongArrayMap of(String name, int entries) {
        return new LongArrayMap(new MapDef(name, MapDef.Kind.ARRAY, 4, 8, entries));
    }

    @Override
    public MapDef definition() {
        return definition;
    }

    private boolean inRange(int index) {
        return Integer.compareUnsigned(index, definition.maxEntries()) < 0;
    }

    /** The value at {@code index}, 0 when out of range. */
    public long get(int index) {
        return inRange(index) ? jvm.get(index) : 0;
    }

    /** Sets the value at {@code index} (nothing when out of range). */
    public void put(int index, long value) {
        if (inRange(index)) {
            jvm.set(index, value);
        }
    }

    /** Adds {@code delta} at {@code index}, atomically (nothing when out of range). */
    public void add(int index, long delta) {
        if (inRange(index)) {
            jvm.addAndGet(index, delta);
        }
    }

    /** JVM only: all values. */
    public long[] snapshot() {
        long[] out = new long[jvm.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = jvm.get(i);
        }
        return out;
    }

    /** JVM only: sets every value to 0. */
    public void clear() {
        for (int i = 0; i < jvm.length(); i++) {
            jvm.set(i, 0);
        }
    }

    @Override
    public String toString() {
        return "LongArrayMap " + definition;
    }
}
