package io.bpf4j.compiler;

import io.bpf4j.structs.RecordCodec;
import io.bpf4j.structs.StructLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A BPF ring buffer of records laid out by bpf-structs, declared as a static field of a program's
 * class. {@link #reserve} hands out a record in the ring to fill in place and submit
 * ({@code bpf_ringbuf_reserve}/{@code _submit}, see {@link Reservation}); {@link #output} copies a
 * record built on the BPF stack into the ring ({@code bpf_ringbuf_output}). On the JVM the records
 * are kept in a list a test reads, and the ring holds as many bytes as the kernel's would until
 * {@link #drain()} consumes them (a full ring makes {@code reserve} return null and {@code output}
 * drop the record, as in the kernel).
 *
 * <pre>{@code
 * record Exec(@U64 long timestamp, @U32 int pid, @Chars(16) byte[] comm) {}
 * static final RingBuffer<Exec> EVENTS = RingBuffer.of("events", Exec.class, 256 * 1024);
 *
 * EVENTS.output(new Exec(Bpf.ktimeGetNs(), Bpf.currentPid(), Bpf.currentComm()));
 * }</pre>
 *
 * @param <R> the record type of one event
 */
public final class RingBuffer<R extends Record> implements MapField {
    private final MapDef definition;
    private final Class<R> type;
    private final StructLayout layout;
    private final List<R> jvm = new ArrayList<>();
    /** JVM only: bytes of the ring in use (records not yet drained, reservations open), as the kernel counts them. */
    private long used;
    private volatile RecordCodec<R> codec;

    private RingBuffer(MapDef definition, Class<R> type, StructLayout layout) {
        this.definition = definition;
        this.type = type;
        this.layout = layout;
    }

    /**
     * @param name the map's name
     * @param type the event record (components annotated as bpf-structs expects)
     * @param bytes the ring's size: a power of two and a multiple of the page size
     */
    public static <R extends Record> RingBuffer<R> of(String name, Class<R> type, int bytes) {
        if (bytes <= 0 || Integer.bitCount(bytes) != 1 || bytes < 4096) {
            throw new IllegalArgumentException("ring buffer '" + name + "': " + bytes
                    + " bytes: expected a power of two of at least 4096");
        }
        return new RingBuffer<>(new MapDef(name, MapDef.Kind.RINGBUF, 0, 0, bytes), type, StructLayout.of(type));
    }

    @Override
    public MapDef definition() {
        return definition;
    }

    /** The event record type. */
    public Class<R> type() {
        return type;
    }

    /** The event's C layout. */
    public StructLayout layout() {
        return layout;
    }

    /** Sends one event (dropped when the ring is full, in the kernel and on the JVM). */
    public void output(R event) {
        if (event == null) {
            throw new NullPointerException("ring buffer '" + definition.name() + "': null event");
        }
        synchronized (jvm) {
            if (take()) {
                jvm.add(event);
            }
        }
    }

    /**
     * {@code bpf_ringbuf_reserve(&ring, sizeof(R), 0)}: a record to fill in place, or null when the
     * ring is full. Check for null at once, then submit or discard it on every path.
     */
    public Reservation<R> reserve() {
        synchronized (jvm) {
            return take() ? new Reservation<>(this) : null;
        }
    }

    /** JVM only: the events sent so far, and forgets them (the reader consumed them: their space is free again). */
    public List<R> drain() {
        synchronized (jvm) {
            List<R> out = new ArrayList<>(jvm);
            jvm.clear();
            used = 0;
            return out;
        }
    }

    /** Takes room for one record (8-byte header, the record rounded up to 8), if there is some. */
    private boolean take() {
        long need = 8 + ((layout.size() + 7) & ~7);
        if (used + need > definition.maxEntries()) {
            return false;
        }
        used += need;
        return true;
    }

    void submitted(ByteBuffer bytes) {
        RecordCodec<R> c = codec;
        if (c == null) {
            c = StructLayout.codec(type);
            codec = c;
        }
        R event = c.decode(bytes, 0);
        synchronized (jvm) {
            jvm.add(event);
        }
    }

    void discarded(int bytes) {
        // The kernel frees a discarded record's space when the reader passes it: here at the next drain.
    }

    @Override
    public String toString() {
        return "RingBuffer<" + type.getSimpleName() + "> " + definition;
    }
}
