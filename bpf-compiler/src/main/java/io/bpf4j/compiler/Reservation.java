package io.bpf4j.compiler;

import io.bpf4j.structs.Field;
import io.bpf4j.structs.StructLayout;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A record reserved in a {@link RingBuffer} and filled in place: {@code bpf_ringbuf_reserve}, stores
 * straight into the ring's memory, then {@code bpf_ringbuf_submit} (or {@code _discard}). Fields
 * are named by method references to the record's accessors, so the code reads like Java and a
 * renamed component is a Java compile error.
 *
 * <pre>{@code
 * record Exec(@U64 long timestamp, @U32 int pid, @Chars(16) byte[] comm) {}
 * static final RingBuffer<Exec> EVENTS = RingBuffer.of("events", Exec.class, 256 * 1024);
 *
 * static int onExec(TracepointContext ctx) {
 *     Reservation<Exec> e = EVENTS.reserve();
 *     if (e == null) {
 *         return 0;                                  // the ring is full
 *     }
 *     e.set(Exec::timestamp, Bpf.ktimeGetNs());
 *     e.set(Exec::pid, Bpf.currentPid());
 *     e.set(Exec::comm, Bpf.currentComm());          // written by the helper into the ring
 *     e.submit();
 *     return 0;
 * }
 * }</pre>
 *
 * <p>The compiler checks what the verifier will: the reservation is checked for null before its
 * first use, is submitted or discarded on every path that returns, and is not used after that.
 * It also demands that every field be set before {@code submit} (the kernel does not clear
 * reserved memory: an unset field would carry an older event's bytes); padding is zeroed for you.
 * On the JVM the same rules are checked as the method runs, and a submitted record is decoded
 * into the ring's list ({@link RingBuffer#drain()}).
 *
 * @param <R> the record type
 */
// The set overloads differ only in the accessor's return type: an exact method reference such as
// Exec::pid picks one (int before long), which is the only form the compiler accepts.
@SuppressWarnings("overloads")
public final class Reservation<R extends Record> {
    /** {@code BPF_RB_NO_WAKEUP}: submit without waking a reader blocked in poll; it finds the record at its next poll. */
    public static final int NO_WAKEUP = 1;
    /** {@code BPF_RB_FORCE_WAKEUP}: wake the reader even if it has not caught up. */
    public static final int FORCE_WAKEUP = 2;

    /** A scalar component of at most 4 bytes (int, short, byte), named by its accessor: {@code Exec::pid}. */
    @FunctionalInterface
    public interface IntField<R> extends Serializable {
        /** The accessor. */
        int get(R record);
    }

    /** A long component, named by its accessor: {@code Exec::timestamp}. */
    @FunctionalInterface
    public interface LongField<R> extends Serializable {
        /** The accessor. */
        long get(R record);
    }

    /** A {@code @Chars(n)} or {@code byte[]} component, named by its accessor: {@code Exec::comm}. */
    @FunctionalInterface
    public interface BytesField<R> extends Serializable {
        /** The accessor. */
        byte[] get(R record);
    }

    private static final Map<Class<?>, String> NAMES = new ConcurrentHashMap<>();

    private final RingBuffer<R> ring;
    private final StructLayout layout;
    private final ByteBuffer bytes;
    private final BitSet set = new BitSet();
    private String released;

    Reservation(RingBuffer<R> ring) {
        this.ring = ring;
        this.layout = ring.layout();
        this.bytes = ByteBuffer.allocate(layout.size()).order(ByteOrder.nativeOrder());
    }

    /** Writes an int, short or byte component (its low bytes, as the kernel's store does). */
    public void set(IntField<R> field, int value) {
        put(scalar(field, 4), value);
    }

    /** Writes a long component. */
    public void set(LongField<R> field, long value) {
        put(scalar(field, 8), value);
    }

    /** Writes a {@code byte[]} component; {@code value} must be exactly as long as the field. */
    public void set(BytesField<R> field, byte[] value) {
        Field f = field(field);
        if (f.kind() == Field.Kind.SCALAR || f.kind() == Field.Kind.STRUCT) {
            throw new IllegalArgumentException("field " + f.name() + " of " + ring.type().getSimpleName() + " is not an array");
        }
        if (value.length != f.size()) {
            throw new IllegalArgumentException("field " + f.name() + " of " + ring.type().getSimpleName() + " is " + f.size()
                    + " bytes, the array " + value.length + ": they must be equal");
        }
        bytes.put(f.offset(), value);
        set.set(indexOf(f));
    }

    /** {@code bpf_ringbuf_submit(e, 0)}: the record goes to the reader (its fields must all be set). */
    public void submit() {
        submit(0);
    }

    /** {@code bpf_ringbuf_submit(e, flags)}, flags {@link #NO_WAKEUP} or {@link #FORCE_WAKEUP}. */
    public void submit(int flags) {
        live("submit");
        for (int i = 0; i < layout.fields().size(); i++) {
            if (!set.get(i)) {
                throw new IllegalStateException("submit: field " + layout.fields().get(i).name() + " of "
                        + ring.type().getSimpleName() + " was not set: the kernel does not clear reserved memory;"
                        + " set every field before submit");
            }
        }
        released = "submitted";
        ring.submitted(bytes);
    }

    /** {@code bpf_ringbuf_discard(e, 0)}: gives the space back; the reader never sees the record. */
    public void discard() {
        live("discard");
        released = "discarded";
        ring.discarded(layout.size());
    }

    private Field scalar(Serializable accessor, int maxBytes) {
        Field f = field(accessor);
        if (f.kind() != Field.Kind.SCALAR || f.size() > maxBytes) {
            throw new IllegalArgumentException("field " + f.name() + " of " + ring.type().getSimpleName() + " is " + f.typeName());
        }
        return f;
    }

    private void put(Field f, long value) {
        switch (f.size()) {
            case 1: bytes.put(f.offset(), (byte) value); break;
            case 2: bytes.putShort(f.offset(), (short) value); break;
            case 4: bytes.putInt(f.offset(), (int) value); break;
            default: bytes.putLong(f.offset(), value); break;
        }
        set.set(indexOf(f));
    }

    private int indexOf(Field f) {
        return layout.fields().indexOf(f);
    }

    private Field field(Serializable accessor) {
        live("set");
        String name = NAMES.computeIfAbsent(accessor.getClass(), c -> accessorName(accessor, ring.type()));
        return layout.field(name);
    }

    private void live(String what) {
        if (released != null) {
            throw new IllegalStateException(what + ": the reservation was already " + released
                    + " (in BPF the verifier refuses this; the compiler names the line)");
        }
    }

    /** The component a method reference such as {@code Exec::pid} names, read from its serialized form. */
    static String accessorName(Object accessor, Class<?> type) {
        SerializedLambda l = serialized(accessor);
        String owner = type.getName().replace('.', '/');
        if (l == null || l.getImplMethodKind() != MethodHandleInfo.REF_invokeVirtual || !l.getImplClass().equals(owner)
                || !l.getImplMethodSignature().startsWith("()")) {
            throw new IllegalArgumentException("expected a method reference to an accessor of " + type.getSimpleName()
                    + " (e.g. " + type.getSimpleName() + "::pid), found "
                    + (l == null ? accessor : l.getImplClass().replace('/', '.') + "." + l.getImplMethodName()));
        }
        return l.getImplMethodName();
    }

    /** Serialization hands a lambda's SerializedLambda to replaceObject: no reflection into the lambda's class. */
    private static SerializedLambda serialized(Object lambda) {
        final class Capture extends ObjectOutputStream {
            SerializedLambda found;

            Capture() throws IOException {
                super(OutputStream.nullOutputStream());
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object obj) {
                if (obj instanceof SerializedLambda && found == null) {
                    found = (SerializedLambda) obj;
                }
                return obj;
            }
        }
        try (Capture c = new Capture()) {
            c.writeObject(lambda);
            return c.found;
        } catch (IOException e) {
            return null;
        }
    }
}
