package io.bpf4j.compiler;

import io.bpf4j.structs.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A BPF ring buffer of records laid out by bpf-structs, declared as a static field of a program's
 * class. {@link #output} copies a record built on the BPF stack into the ring
 * ({@code bpf_ringbuf_output}); on the JVM the records are kept in a list a test reads.
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

    /** Sends one event (dropped when the ring is full, in the kernel). */
    public void output(R event) {
        if (event == null) {
            throw new NullPointerException("ring buffer '" + definition.name() + "': null event");
        }
        synchronized (jvm) {
            jvm.add(event);
        }
    }

    /** JVM only: the events sent so far, and forgets them. */
    public List<R> drain() {
        synchronized (jvm) {
            List<R> out = new ArrayList<>(jvm);
            jvm.clear();
            return out;
        }
    }

    @Override
    public String toString() {
        return "RingBuffer<" + type.getSimpleName() + "> " + definition;
    }
}
