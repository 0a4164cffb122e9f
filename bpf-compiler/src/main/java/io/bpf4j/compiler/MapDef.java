package io.bpf4j.compiler;

/**
 * A map a compiled program refers to: what the loader must create (bpf-syscall's {@code MapSpec})
 * before loading the program. The program refers to it by name.
 *
 * <pre>{@code
 * for (MapDef m : compiled.maps()) {
 *     MapSpec spec = m.kind() == MapDef.Kind.HASH ? MapSpec.hash(m.name(), m.keySize(), m.valueSize(), m.maxEntries())
 *             : ...;
 * }
 * }</pre>
 *
 * @param name the map's name (at most 15 bytes, as the kernel keeps it)
 * @param kind the map type
 * @param keySize bytes of a key (0 for a ring buffer)
 * @param valueSize bytes of a value (0 for a ring buffer)
 * @param maxEntries entries, or bytes for a ring buffer
 */
public record MapDef(String name, Kind kind, int keySize, int valueSize, int maxEntries) {
    /** The kernel map types the compiler's map fields stand for. */
    public enum Kind {
        /** {@code BPF_MAP_TYPE_HASH}. */
        HASH,
        /** {@code BPF_MAP_TYPE_ARRAY}. */
        ARRAY,
        /** {@code BPF_MAP_TYPE_RINGBUF}. */
        RINGBUF
    }

    public MapDef {
        if (name == null || name.isEmpty() || name.length() > 15) {
            throw new IllegalArgumentException("map name '" + name + "': expected 1..15 characters");
        }
        if (kind == null) {
            throw new IllegalArgumentException("map '" + name + "': kind missing");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("map '" + name + "': maxEntries " + maxEntries + ": expected >= 1");
        }
    }
}
