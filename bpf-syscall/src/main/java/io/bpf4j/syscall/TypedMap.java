package io.bpf4j.syscall;

import io.bpf4j.core.codec.Codec;
import io.bpf4j.syscall.internal.Direct;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A view of a {@link BpfMap} with Java keys and values through two {@link Codec}s (scalars
 * from {@code Codec}, structs and records from bpf-structs). Owns nothing: closing the map ends
 * it. Keys and values are encoded into and decoded from reused per-thread direct buffers at
 * offset 0: no buffer is allocated per call.
 *
 * <pre>{@code
 * TypedMap<Integer, Long> counts = map.typed(Codec.u32(), Codec.u64());
 * counts.put(0, 42L);
 * counts.get(0);        // Optional[42]
 *
 * TypedMap<Integer, Exec> byPid = map.typed(Codec.u32(), StructLayout.codec(Exec.class));
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TypedMap<K, V> {
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        if (keys.size() != map.keySize()) {
            throw new IllegalArgumentException(map + ": key codec is " + keys.size() + " bytes: expected "
                    + map.keySize() + " (key_size)");
        }
        if (values.size() != map.valueSize()) {
            throw new IllegalArgumentException(map + ": value codec is " + values.size() + " bytes: expected "
                    + map.valueSize() + " (value_size)");
        }
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    /** The underlying map. */
    public BpfMap map() {
        return map;
    }

    private ByteBuffer key(K k) {
        ByteBuffer b = Direct.slot(Direct.KEY, keys.size());
        keys.encode(k, b, 0);
        return b;
    }

    /** The value for {@code key}, if present. */
    public Optional<V> get(K key) {
        ByteBuffer v = Direct.slot(Direct.VALUE, values.size());
        if (!map.lookup(key(key), v)) {
            return Optional.empty();
        }
        return Optional.of(values.decode(v, 0));
    }

    /** Inserts or replaces. */
    public void put(K key, V value) {
        put(key, value, BpfMap.ANY);
    }

    /** Updates with {@code BpfMap.ANY}, {@code NOEXIST} or {@code EXIST}. */
    public void put(K key, V value, long flags) {
        ByteBuffer v = Direct.slot(Direct.VALUE, values.size());
        values.encode(value, v, 0);
        map.update(key(key), v, flags);
    }

    /** Deletes; false if absent. */
    public boolean remove(K key) {
        return map.delete(key(key));
    }

    /** All keys (a snapshot). */
    public List<K> keys() {
        List<K> out = new ArrayList<>();
        for (byte[] k : map.keys()) {
            out.add(keys.decode(k));
        }
        return out;
    }
}
