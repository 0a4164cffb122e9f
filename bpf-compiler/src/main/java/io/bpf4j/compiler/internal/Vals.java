package io.bpf4j.compiler.internal;

import io.bpf4j.compiler.MapField;
import io.bpf4j.structs.StructLayout;

/**
 * What the translator knows about a value on the JVM operand stack or in a local: a constant, a
 * virtual register (a scalar or a kernel pointer), or an object that exists only at compile time
 * (a map field, a record or array on the BPF stack, the context, a string constant, a pending
 * comparison).
 */
final class Vals {
    private Vals() {
    }

    abstract static class Val {
    }

    /** A constant: folded where it is used. */
    static final class Imm extends Val {
        final long v;
        final boolean wide;

        Imm(long v, boolean wide) {
            this.v = wide ? v : (int) v;
            this.wide = wide;
        }
    }

    /** A value in a virtual register: a scalar ({@code ptr == null}) or a kernel pointer. */
    static final class Vr extends Val {
        final int v;
        final boolean wide;
        /** True for a value made by one operation and used once (may be renamed into a local). */
        final boolean temp;
        final String ptr;

        Vr(int v, boolean wide, boolean temp, String ptr) {
            this.v = v;
            this.wide = wide;
            this.temp = temp;
            this.ptr = ptr;
        }
    }

    /** A compile-time object. */
    static final class Obj extends Val {
        final Object o;

        Obj(Object o) {
            this.o = o;
        }
    }

    /** A record or array on the BPF stack at {@code r10 + off}. */
    static final class StackObj {
        final int off;
        final int size;
        final StructLayout layout;
        final Class<?> recordType;
        final int elemSize;
        final int length;
        /** The register holding the base address, or -1 when the object is in this frame (r10 + off). */
        final int baseVreg;

        StackObj(int off, int size, StructLayout layout, Class<?> recordType, int elemSize, int length) {
            this(off, size, layout, recordType, elemSize, length, -1);
        }

        StackObj(int off, int size, StructLayout layout, Class<?> recordType, int elemSize, int length, int baseVreg) {
            this.off = off;
            this.size = size;
            this.layout = layout;
            this.recordType = recordType;
            this.elemSize = elemSize;
            this.length = length;
            this.baseVreg = baseVreg;
        }

        boolean isArray() {
            return layout == null;
        }
    }

    /** {@code new R} before its constructor ran: becomes a {@link StackObj} then. */
    static final class PendingNew {
        final String internalName;
        StackObj made;

        PendingNew(String internalName) {
            this.internalName = internalName;
        }
    }

    /** The program's context parameter. */
    static final class Ctx {
        final Class<?> type;
        final int vreg;
        int data = -1;
        int end = -1;

        Ctx(Class<?> type, int vreg) {
            this.type = type;
            this.vreg = vreg;
        }
    }

    /** A comparison result ({@code lcmp}, {@code compareUnsigned}) waiting for the branch that uses it. */
    static final class Cmp {
        final Val a;
        final Val b;
        final boolean unsigned;
        final boolean wide;

        Cmp(Val a, Val b, boolean unsigned, boolean wide) {
            this.a = a;
            this.b = b;
            this.unsigned = unsigned;
            this.wide = wide;
        }
    }

    /** A map field's value, read at compile time. */
    static final class MapObj {
        final MapField field;
        final String fieldName;

        MapObj(MapField field, String fieldName) {
            this.field = field;
            this.fieldName = fieldName;
        }
    }

    /** A method reference to a static method: a bpf_loop body. */
    static final class FuncRef {
        final String owner;
        final String name;
        final String desc;

        FuncRef(String owner, String name, String desc) {
            this.owner = owner;
            this.name = name;
            this.desc = desc;
        }
    }

    /**
     * A record reserved in a ring buffer: a kernel pointer in {@code vreg} (possibly NULL until checked).
     * What is known about it on the current path is kept by the translator, per path.
     */
    static final class ResObj {
        final int vreg;
        final Class<?> recordType;
        final StructLayout layout;
        final String ring;
        final String file;
        final int line;

        ResObj(int vreg, Class<?> recordType, StructLayout layout, String ring, String file, int line) {
            this.vreg = vreg;
            this.recordType = recordType;
            this.layout = layout;
            this.ring = ring;
            this.file = file;
            this.line = line;
        }

        String where() {
            return "the " + recordType.getSimpleName() + " reserved at " + (file == null ? "" : file + ":") + line;
        }
    }

    /** A method reference to a record's accessor ({@code Exec::pid}): names a field. */
    static final class Accessor {
        final String owner;
        final String name;

        Accessor(String owner, String name) {
            this.owner = owner;
            this.name = name;
        }
    }

    /**
     * A byte array a helper writes ({@code Bpf.currentComm()}, a tracepoint string, a task field by
     * path), not yet written anywhere: handed straight to {@code Reservation.set} the helper writes
     * into the reserved record; used any other way it is written to the BPF stack first.
     */
    static final class PendingBytes {
        enum Kind { COMM, DATA_LOC_STRING, TASK_BYTES }

        final Kind kind;
        final int size;
        /** DATA_LOC_STRING: the context's register and the field's offset in it. */
        final int ctxVreg;
        final int offset;
        /** TASK_BYTES: the path. */
        final io.bpf4j.structs.btf.FieldPath path;

        PendingBytes(Kind kind, int size, int ctxVreg, int offset, io.bpf4j.structs.btf.FieldPath path) {
            this.kind = kind;
            this.size = size;
            this.ctxVreg = ctxVreg;
            this.offset = offset;
            this.path = path;
        }
    }

    /** The null reference. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
}
