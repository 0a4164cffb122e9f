package io.bpf4j.structs;

import static java.lang.invoke.MethodType.methodType;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A record type's struct layout and codec, computed once per class from the annotations on its
 * components. Decoding is one method-handle tree, {@code (ByteBuffer, int base)} to the record:
 * each component's reader (a scalar getter at a bound offset, a string or array reader, a nested
 * record's decoder) feeds the canonical constructor directly, so no argument array is built and
 * no primitive is boxed. Encoding folds one writer per component (accessor, then a putter).
 */
final class RecordMapping {
    private static final MethodHandles.Lookup SELF = MethodHandles.lookup();
    private static final MethodHandle ADD;
    private static final MethodHandle GET;
    private static final MethodHandle PUT;
    private static final MethodHandle TO_BOOLEAN;
    private static final MethodHandle FROM_BOOLEAN;
    private static final MethodHandle STRING;
    private static final MethodHandle RAW;
    private static final MethodHandle PUT_STRING;
    private static final MethodHandle PUT_RAW;
    private static final MethodHandle NON_NULL;
    private static final MethodHandle GET_RECORDS;
    private static final MethodHandle PUT_RECORDS;
    private static final Map<Class<?>, MethodHandle> GET_ARRAY;
    private static final Map<Class<?>, MethodHandle> PUT_ARRAY;

    static {
        try {
            Class<?> me = RecordMapping.class;
            ADD = SELF.findStatic(me, "add", methodType(int.class, int.class, int.class));
            GET = SELF.findStatic(Bytes.class, "get", methodType(long.class, ByteBuffer.class, int.class, ScalarType.class));
            PUT = SELF.findStatic(me, "put", methodType(void.class, ByteBuffer.class, int.class, long.class, ScalarType.class, String.class));
            TO_BOOLEAN = SELF.findStatic(me, "toBoolean", methodType(boolean.class, long.class));
            FROM_BOOLEAN = SELF.findStatic(me, "fromBoolean", methodType(long.class, boolean.class));
            STRING = SELF.findStatic(Bytes.class, "string", methodType(String.class, ByteBuffer.class, int.class, int.class));
            RAW = SELF.findStatic(me, "raw", methodType(byte[].class, ByteBuffer.class, int.class, int.class));
            PUT_STRING = SELF.findStatic(me, "putString", methodType(void.class, ByteBuffer.class, int.class, String.class, int.class, String.class));
            PUT_RAW = SELF.findStatic(me, "putRaw", methodType(void.class, ByteBuffer.class, int.class, byte[].class, int.class, String.class));
            NON_NULL = SELF.findStatic(me, "nonNull", methodType(Object.class, Object.class, String.class));
            GET_RECORDS = SELF.findStatic(me, "getRecords", methodType(Object[].class, ByteBuffer.class, int.class,
                    MethodHandle.class, MethodHandle.class, int.class, int.class));
            PUT_RECORDS = SELF.findStatic(me, "putRecords", methodType(void.class, ByteBuffer.class, int.class,
                    Object[].class, MethodHandle.class, int.class, int.class, String.class));
            GET_ARRAY = Map.of(
                    byte[].class, SELF.findStatic(me, "getBytes", arrayGetter(byte[].class)),
                    short[].class, SELF.findStatic(me, "getShorts", arrayGetter(short[].class)),
                    int[].class, SELF.findStatic(me, "getInts", arrayGetter(int[].class)),
                    long[].class, SELF.findStatic(me, "getLongs", arrayGetter(long[].class)));
            PUT_ARRAY = Map.of(
                    byte[].class, SELF.findStatic(me, "putBytes", arrayPutter(byte[].class)),
                    short[].class, SELF.findStatic(me, "putShorts", arrayPutter(short[].class)),
                    int[].class, SELF.findStatic(me, "putInts", arrayPutter(int[].class)),
                    long[].class, SELF.findStatic(me, "putLongs", arrayPutter(long[].class)));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static MethodType arrayGetter(Class<?> array) {
        return methodType(array, ByteBuffer.class, int.class, ScalarType.class, int.class);
    }

    private static MethodType arrayPutter(Class<?> array) {
        return methodType(void.class, ByteBuffer.class, int.class, array, ScalarType.class, int.class, String.class);
    }

    private static final ThreadLocal<MethodHandles.Lookup> CALLER_LOOKUP = new ThreadLocal<>();
    private static final ThreadLocal<Set<Class<?>>> IN_PROGRESS = ThreadLocal.withInitial(LinkedHashSet::new);
    private static final ClassValue<RecordMapping> CACHE = new ClassValue<>() {
        @Override
        protected RecordMapping computeValue(Class<?> type) {
            return build(type, CALLER_LOOKUP.get());
        }
    };

    private final StructLayout layout;
    private final MethodHandle decoder;
    private final MethodHandle encoder;
    private final RecordCodec<?> codec;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private RecordMapping(StructLayout layout, Class<?> type, MethodHandle decoder, MethodHandle encoder) {
        this.layout = layout;
        this.decoder = decoder;
        this.encoder = encoder;
        this.codec = new RecordCodec(layout, type, decoder, encoder);
    }

    StructLayout layout() {
        return layout;
    }

    @SuppressWarnings("unchecked")
    <R extends Record> RecordCodec<R> codec() {
        return (RecordCodec<R>) codec;
    }

    /** The mapping of {@code type}, built once; {@code lookup} (may be null) grants access to it. */
    static RecordMapping of(Class<?> type, MethodHandles.Lookup lookup) {
        if (type == null || !type.isRecord()) {
            throw new IllegalArgumentException((type == null ? "null" : type.getName())
                    + " is not a record: declare the struct as a record with annotated components");
        }
        if (lookup == null || CALLER_LOOKUP.get() != null) {
            return CACHE.get(type);
        }
        CALLER_LOOKUP.set(lookup);
        try {
            return CACHE.get(type);
        } finally {
            CALLER_LOOKUP.remove();
        }
    }

    private static RecordMapping build(Class<?> type, MethodHandles.Lookup lookup) {
        Set<Class<?>> active = IN_PROGRESS.get();
        if (!active.add(type)) {
            StringBuilder chain = new StringBuilder();
            for (Class<?> c : active) {
                chain.append(c.getSimpleName()).append(" -> ");
            }
            throw new IllegalArgumentException("record " + type.getSimpleName() + " contains itself ("
                    + chain + type.getSimpleName() + "): a C struct cannot");
        }
        try {
            return doBuild(type, lookup);
        } finally {
            active.remove(type);
        }
    }

    /** How one component maps to a field. */
    private static final class Plan {
        final RecordComponent component;
        final Field.Kind kind;
        final ScalarType scalar;
        final RecordMapping nested;
        final int count;

        Plan(RecordComponent component, Field.Kind kind, ScalarType scalar, RecordMapping nested, int count) {
            this.component = component;
            this.kind = kind;
            this.scalar = scalar;
            this.nested = nested;
            this.count = count;
        }
    }

    private static RecordMapping doBuild(Class<?> type, MethodHandles.Lookup lookup) {
        RecordComponent[] comps = type.getRecordComponents();
        String rname = type.getSimpleName();
        if (comps.length == 0) {
            throw new IllegalArgumentException("record " + rname + " has no components: an empty struct has no C size");
        }
        StructLayout.Builder b = StructLayout.builder(rname);
        CName cname = type.getAnnotation(CName.class);
        if (cname != null) {
            b.cName(cname.value());
        }
        if (type.isAnnotationPresent(Packed.class)) {
            b.packed();
        }
        List<Plan> plans = new ArrayList<>();
        for (RecordComponent c : comps) {
            Plan p = plan(rname, c);
            plans.add(p);
            switch (p.kind) {
                case SCALAR: b.scalar(c.getName(), p.scalar); break;
                case CHARS: b.chars(c.getName(), p.count); break;
                case ARRAY: b.array(c.getName(), p.scalar, p.count); break;
                case STRUCT: b.struct(c.getName(), p.nested.layout); break;
                default: b.structArray(c.getName(), p.nested.layout, p.count); break;
            }
        }
        StructLayout layout = b.build();
        try {
            MethodHandles.Lookup lk = lookup != null ? lookup : SELF;
            Class<?>[] ptypes = new Class<?>[comps.length];
            for (int i = 0; i < comps.length; i++) {
                ptypes[i] = comps[i].getType();
            }
            Constructor<?> ctor = type.getDeclaredConstructor(ptypes);
            if (lookup == null) {
                ctor.trySetAccessible();
            }
            MethodHandle decode = lk.unreflectConstructor(ctor);
            for (int i = 0; i < plans.size(); i++) {
                decode = MethodHandles.collectArguments(decode, 2 * i, reader(plans.get(i), layout));
            }
            int[] reorder = new int[2 * plans.size()];
            for (int i = 0; i < reorder.length; i++) {
                reorder[i] = i % 2;
            }
            decode = MethodHandles.permuteArguments(decode, methodType(type, ByteBuffer.class, int.class), reorder);

            MethodHandle encode = null;
            for (Plan p : plans) {
                Method acc = p.component.getAccessor();
                if (lookup == null) {
                    acc.trySetAccessible();
                }
                MethodHandle w = writer(p, layout, rname, lk.unreflect(acc).asType(methodType(p.component.getType(), Object.class)));
                encode = encode == null ? w : MethodHandles.foldArguments(w, encode);
            }
            return new RecordMapping(layout, type,
                    decode.asType(methodType(Object.class, ByteBuffer.class, int.class)), encode);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("record " + type.getName() + " is not accessible to io.bpf4j.structs ("
                    + e.getMessage() + "): make it public in an exported package, open its package to io.bpf4j.structs, "
                    + "or pass your MethodHandles.lookup() to StructLayout.codec(type, lookup)", e);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
    }

    private static Plan plan(String rname, RecordComponent c) {
        Class<?> jt = c.getType();
        String what = "record " + rname + " component '" + c.getName() + "' (" + jt.getSimpleName() + ")";
        Chars chars = c.getAnnotation(Chars.class);
        Length length = c.getAnnotation(Length.class);
        ScalarType annotated = scalarAnnotation(c, what);
        if (chars != null) {
            if (jt != String.class && jt != byte[].class) {
                throw new IllegalArgumentException(what + ": @Chars needs a String or byte[] component");
            }
            if (length != null || annotated != null) {
                throw new IllegalArgumentException(what + ": @Chars(n) already gives the type and length; drop the other annotations");
            }
            return new Plan(c, Field.Kind.CHARS, ScalarType.CHAR, null, chars.value());
        }
        if (jt == String.class) {
            throw new IllegalArgumentException(what + ": a String maps to char[n]: annotate it @Chars(n)");
        }
        if (jt.isArray()) {
            Class<?> et = jt.getComponentType();
            if (length == null) {
                throw new IllegalArgumentException(what + ": give the array's length with @Length(n)"
                        + (et == byte.class ? " (or @Chars(n) for a byte string)" : ""));
            }
            if (et.isRecord()) {
                if (annotated != null) {
                    throw new IllegalArgumentException(what + ": a record array takes no scalar annotation");
                }
                return new Plan(c, Field.Kind.STRUCT_ARRAY, null, of(et, CALLER_LOOKUP.get()), length.value());
            }
            if (!GET_ARRAY.containsKey(jt)) {
                throw new IllegalArgumentException(what + ": arrays map from byte[], short[], int[], long[] or record arrays");
            }
            return new Plan(c, Field.Kind.ARRAY, scalarFor(what, et, annotated), null, length.value());
        }
        if (length != null) {
            throw new IllegalArgumentException(what + ": @Length applies to array components only");
        }
        if (jt.isRecord()) {
            if (annotated != null) {
                throw new IllegalArgumentException(what + ": a nested record takes no scalar annotation");
            }
            return new Plan(c, Field.Kind.STRUCT, null, of(jt, CALLER_LOOKUP.get()), 1);
        }
        if (jt == boolean.class || jt == byte.class || jt == short.class || jt == int.class || jt == long.class) {
            return new Plan(c, Field.Kind.SCALAR, scalarFor(what, jt, annotated), null, 1);
        }
        throw new IllegalArgumentException(what + ": unsupported type; components may be boolean, byte, short, int, "
                + "long (with @U8..@S64), String or byte[] with @Chars(n), primitive arrays with @Length(n), "
                + "records and record arrays");
    }

    private static ScalarType scalarAnnotation(RecordComponent c, String what) {
        ScalarType found = null;
        for (Annotation a : c.getAnnotations()) {
            ScalarType t = scalarOf(a.annotationType());
            if (t != null) {
                if (found != null) {
                    throw new IllegalArgumentException(what + ": both @" + found.name() + " and @" + t.name());
                }
                found = t;
            }
        }
        return found;
    }

    private static ScalarType scalarOf(Class<? extends Annotation> a) {
        if (a == U8.class) return ScalarType.U8;
        if (a == U16.class) return ScalarType.U16;
        if (a == U32.class) return ScalarType.U32;
        if (a == U64.class) return ScalarType.U64;
        if (a == S8.class) return ScalarType.S8;
        if (a == S16.class) return ScalarType.S16;
        if (a == S32.class) return ScalarType.S32;
        if (a == S64.class) return ScalarType.S64;
        return null;
    }

    /** The field type for a Java primitive: as annotated (if the Java type can hold it) or signed of its width. */
    private static ScalarType scalarFor(String what, Class<?> jt, ScalarType annotated) {
        int width = jt == long.class ? 8 : jt == int.class ? 4 : jt == short.class ? 2 : 1;
        if (annotated == null) {
            return jt == boolean.class ? ScalarType.U8 : width == 8 ? ScalarType.S64 : width == 4 ? ScalarType.S32
                    : width == 2 ? ScalarType.S16 : ScalarType.S8;
        }
        if (annotated.bytes() > width || (jt == boolean.class && annotated.bytes() != 1)) {
            throw new IllegalArgumentException(what + ": a " + jt.getSimpleName() + " cannot hold @" + annotated.name()
                    + "; use " + (annotated.bytes() == 8 ? "long" : annotated.bytes() == 4 ? "int or long" : "short, int or long"));
        }
        return annotated;
    }

    // ---- method-handle trees ------------------------------------------------------------------

    /** {@code (ByteBuffer, int base)T}: reads the component's field at {@code base + offset}. */
    private static MethodHandle reader(Plan p, StructLayout layout) {
        Class<?> jt = p.component.getType();
        int off = layout.field(p.component.getName()).offset();
        MethodHandle r;
        switch (p.kind) {
            case SCALAR:
                r = MethodHandles.insertArguments(GET, 2, p.scalar);
                r = jt == boolean.class ? MethodHandles.filterReturnValue(r, TO_BOOLEAN)
                        : MethodHandles.explicitCastArguments(r, methodType(jt, ByteBuffer.class, int.class));
                break;
            case CHARS:
                r = MethodHandles.insertArguments(jt == String.class ? STRING : RAW, 2, p.count);
                break;
            case ARRAY:
                r = MethodHandles.insertArguments(GET_ARRAY.get(jt), 2, p.scalar, p.count);
                break;
            case STRUCT:
                r = p.nested.decoder.asType(methodType(jt, ByteBuffer.class, int.class));
                break;
            default:
                MethodHandle newArray = MethodHandles.arrayConstructor(jt).asType(methodType(Object[].class, int.class));
                r = MethodHandles.insertArguments(GET_RECORDS, 2, p.nested.decoder, newArray,
                        p.count, p.nested.layout.size()).asType(methodType(jt, ByteBuffer.class, int.class));
                break;
        }
        return off == 0 ? r : MethodHandles.filterArguments(r, 1, MethodHandles.insertArguments(ADD, 1, off));
    }

    /** {@code (Object record, ByteBuffer, int base)void}: writes the component at {@code base + offset}. */
    private static MethodHandle writer(Plan p, StructLayout layout, String rname, MethodHandle accessor) {
        Class<?> jt = p.component.getType();
        String what = rname + "." + p.component.getName();
        int off = layout.field(p.component.getName()).offset();
        MethodHandle put;
        MethodHandle value = accessor;
        switch (p.kind) {
            case SCALAR:
                put = MethodHandles.insertArguments(PUT, 3, p.scalar, what);
                value = jt == boolean.class ? MethodHandles.filterReturnValue(accessor, FROM_BOOLEAN)
                        : MethodHandles.explicitCastArguments(accessor, methodType(long.class, Object.class));
                break;
            case CHARS:
                put = jt == String.class ? MethodHandles.insertArguments(PUT_STRING, 3, p.count, what)
                        : MethodHandles.insertArguments(PUT_RAW, 3, p.count, what);
                break;
            case ARRAY:
                put = MethodHandles.insertArguments(PUT_ARRAY.get(jt), 3, p.scalar, p.count, what);
                break;
            case STRUCT: {
                MethodHandle nested = p.nested.encoder;   // (Object, ByteBuffer, int)void
                MethodHandle checked = MethodHandles.filterReturnValue(accessor,
                        MethodHandles.insertArguments(NON_NULL, 1, what).asType(methodType(Object.class, jt)));
                put = MethodHandles.permuteArguments(nested, methodType(void.class, ByteBuffer.class, int.class, Object.class), 2, 0, 1);
                value = checked;
                break;
            }
            default:
                put = MethodHandles.insertArguments(PUT_RECORDS, 3, p.nested.encoder, p.count, p.nested.layout.size(), what)
                        .asType(methodType(void.class, ByteBuffer.class, int.class, jt));
                break;
        }
        if (off != 0) {
            put = MethodHandles.filterArguments(put, 1, MethodHandles.insertArguments(ADD, 1, off));
        }
        // (ByteBuffer, int, V) + (Object)V → (ByteBuffer, int, Object) → (Object, ByteBuffer, int)
        MethodHandle w = MethodHandles.collectArguments(put, 2, value.asType(methodType(put.type().parameterType(2), Object.class)));
        return MethodHandles.permuteArguments(w, methodType(void.class, Object.class, ByteBuffer.class, int.class), 1, 2, 0);
    }

    // ---- the leaves of the trees (static so the JIT inlines them into each customized tree) ----

    private static int add(int a, int b) {
        return a + b;
    }

    private static boolean toBoolean(long v) {
        return v != 0;
    }

    private static long fromBoolean(boolean b) {
        return b ? 1 : 0;
    }

    private static void put(ByteBuffer b, int p, long v, ScalarType t, String what) {
        if (!t.accepts(v)) {
            throw new IllegalArgumentException(what + " (" + t.shortName() + "): " + v + " does not fit in "
                    + t.bytes() + (t.bytes() == 1 ? " byte" : " bytes"));
        }
        Bytes.put(b, p, t, v);
    }

    private static byte[] raw(ByteBuffer b, int p, int n) {
        byte[] out = new byte[n];
        b.get(p, out);
        return out;
    }

    private static void putString(ByteBuffer b, int p, String s, int n, String what) {
        Bytes.putString(b, p, Bytes.encodeString(s, n, what), n);
    }

    private static void putRaw(ByteBuffer b, int p, byte[] v, int n, String what) {
        checkLength(v == null ? -1 : v.length, n, what);
        b.put(p, v);
    }

    private static Object nonNull(Object o, String what) {
        if (o == null) {
            throw new IllegalArgumentException(what + " is null: a nested struct needs a value");
        }
        return o;
    }

    private static void checkLength(int got, int n, String what) {
        if (got != n) {
            throw new IllegalArgumentException(what + ": " + (got < 0 ? "null array" : "array of length " + got)
                    + " for a field of " + n + " elements");
        }
    }

    private static byte[] getBytes(ByteBuffer b, int p, ScalarType t, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) Bytes.get(b, p + i, t);
        }
        return out;
    }

    private static short[] getShorts(ByteBuffer b, int p, ScalarType t, int n) {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            out[i] = (short) Bytes.get(b, p + i * t.bytes(), t);
        }
        return out;
    }

    private static int[] getInts(ByteBuffer b, int p, ScalarType t, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) Bytes.get(b, p + i * t.bytes(), t);
        }
        return out;
    }

    private static long[] getLongs(ByteBuffer b, int p, ScalarType t, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = Bytes.get(b, p + i * t.bytes(), t);
        }
        return out;
    }

    private static void putBytes(ByteBuffer b, int p, byte[] v, ScalarType t, int n, String what) {
        checkLength(v == null ? -1 : v.length, n, what);
        for (int i = 0; i < n; i++) {
            put(b, p + i, v[i], t, what + "[" + i + "]");
        }
    }

    private static void putShorts(ByteBuffer b, int p, short[] v, ScalarType t, int n, String what) {
        checkLength(v == null ? -1 : v.length, n, what);
        for (int i = 0; i < n; i++) {
            put(b, p + i * t.bytes(), v[i], t, what);
        }
    }

    private static void putInts(ByteBuffer b, int p, int[] v, ScalarType t, int n, String what) {
        checkLength(v == null ? -1 : v.length, n, what);
        for (int i = 0; i < n; i++) {
            put(b, p + i * t.bytes(), v[i], t, what);
        }
    }

    private static void putLongs(ByteBuffer b, int p, long[] v, ScalarType t, int n, String what) {
        checkLength(v == null ? -1 : v.length, n, what);
        for (int i = 0; i < n; i++) {
            put(b, p + i * t.bytes(), v[i], t, what);
        }
    }

    private static Object[] getRecords(ByteBuffer b, int p, MethodHandle decoder, MethodHandle newArray, int n, int stride)
            throws Throwable {
        Object[] out = (Object[]) newArray.invokeExact(n);
        for (int i = 0; i < n; i++) {
            out[i] = (Object) decoder.invokeExact(b, p + i * stride);
        }
        return out;
    }

    private static void putRecords(ByteBuffer b, int p, Object[] v, MethodHandle encoder, int n, int stride, String what)
            throws Throwable {
        checkLength(v == null ? -1 : v.length, n, what);
        for (int i = 0; i < n; i++) {
            encoder.invokeExact(nonNull(v[i], what + "[" + i + "]"), b, p + i * stride);
        }
    }
}
