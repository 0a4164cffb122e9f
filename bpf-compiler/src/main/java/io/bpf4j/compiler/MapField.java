package io.bpf4j.compiler;

/**
 * A map declared as a static field of a BPF program's class. The compiler reads the field's value
 * at compile time and turns calls on it into map helpers; on the JVM the same calls act on an
 * in-memory map with the kernel map's rules (key width, capacity).
 *
 * <pre>{@code
 * static final LongHashMap EXECS = LongHashMap.of("execs", 4, 10240);
 * EXECS.definition();   // MapDef[name=execs, kind=HASH, keySize=4, valueSize=8, maxEntries=10240]
 * }</pre>
 */
public interface MapField {
    /** What the loader must create. */
    MapDef definition();
}
