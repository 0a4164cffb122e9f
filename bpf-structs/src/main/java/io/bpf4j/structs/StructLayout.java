package io.bpf4j.structs;

import io.bpf4j.core.internal.DidYouMean;
import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Fragments;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import io.bpf4j.core.RingBufRecord;
import io.bpf4j.core.Size;
import io.bpf4j.core.codec.Codec;

import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A C struct laid out by C's rules: each field at the next offset that is a multiple of its
 * alignment (its own width for integers, the largest member alignment for nested structs), the
 * total size rounded up to the largest alignment. {@link Builder#packed()} drops all padding, as
 * {@code __attribute__((packed))} does. This is the lab's {@code defevent}.
 *
 * <pre>{@code
 * StructLayout EXEC = StructLayout.builder("ProcessExecEvent")
 *         .u64("timestamp").u32("pid").u32("tgid").u32("uid").u32("ppid").chars("comm", 16)
 *         .build();
 * EXEC.size();              // 40
 * EXEC.offset("comm");      // 24
 *
 * // in a BPF program, r0 = a reserved ring-buffer record, r8 = a timestamp
 * b.append(EXEC.zero(Reg.R0))
 *  .append(EXEC.store("timestamp", Reg.R0, Reg.R8))
 *  .append(EXEC.addressOf(Reg.R1, Reg.R0, "comm"));   // r1 = &record->comm
 *
 * // in Java, an event read from the ring buffer
 * StructValue v = EXEC.decode(buf);
 * v.getString("comm");      // "bash"
 * }</pre>
 *
 * <p><b>Code generation</b> ({@link #store}, {@link #storeImm}, {@link #load}, {@link #zero},
 * {@link #addressOf}) returns bpf-core instructions addressing a field relative to a base register
 * that holds the struct's address. Every access is checked: an unknown field, a field that is not
 * an integer, a width other than the field's, or an offset that is not a multiple of the access
 * width (the verifier always rejects misaligned stack accesses, and other misaligned accesses on
 * strict-alignment machines) is an {@link IllegalArgumentException} naming the struct and the
 * field. The base is assumed to be 8-byte aligned, as ring-buffer records, map values and
 * {@link #onStack() stack slots} are.
 *
 * <p><b>Decoding</b> reads a buffer in <em>the buffer's byte order</em> (BPF writes host order:
 * give buffers {@code ByteOrder.nativeOrder()}, as the ring-buffer reader does); it never moves the
 * buffer's position. See also {@link #view()} for a flyweight and {@link #codec(Class)} for records.
 *
 * <p>A layout is immutable and safe to share between threads (resolved indexed paths are cached
 * in a concurrent map); so are {@link RecordCodec}s and {@link StructValue}s. A {@link StructView}
 * is a mutable cursor: one per thread.
 */
@EmitsInstructions
public final class StructLayout {
    /** Bytes in one BPF stack frame ({@code MAX_BPF_STACK} in {@code include/linux/filter.h}). */
    public static final int BPF_STACK_SIZE = 512;

    private final String name;
    private final String cName;
    private final boolean packed;
    private final int size;
    private final int align;
    private final List<Field> fields;
    /** Every field reachable without an index ({@code hdr.pid}), resolved once. */
    private final Map<String, Field> byPath;
    /** Indexed paths ({@code vals[2]}, {@code procs[1].pid}) resolved on first use. */
    private final Map<String, Field> indexed = new ConcurrentHashMap<>();

    private StructLayout(String name, String cName, boolean packed, int size, int align, List<Field> fields) {
        this.name = name;
        this.cName = cName;
        this.packed = packed;
        this.size = size;
        this.align = align;
        this.fields = Collections.unmodifiableList(fields);
        Map<String, Field> paths = new LinkedHashMap<>();
        collectPaths("", 0, this, paths);
        this.byPath = Collections.unmodifiableMap(paths);
    }

    private static void collectPaths(String prefix, int delta, StructLayout layout, Map<String, Field> out) {
        for (Field f : layout.fields) {
            String path = prefix + f.name();
            out.put(path, prefix.isEmpty() ? f : f.rename(path, delta));
            if (f.kind() == Field.Kind.STRUCT) {
                collectPaths(path + ".", delta + f.offset(), f.struct(), out);
            }
        }
    }

    /** Starts a struct; {@code name} is used in messages and, converted to snake case, in C. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The layout of a record whose components are annotated with their C types
     * ({@link U32 @U32}, {@link Chars @Chars(16)}, …); computed once per class.
     *
     * <pre>{@code
     * record Exec(@U64 long timestamp, @U32 int pid, @Chars(16) String comm) {}
     * StructLayout.of(Exec.class).offset("comm");   // 12
     * }</pre>
     */
    public static StructLayout of(Class<? extends Record> type) {
        return RecordMapping.of(type, null).layout();
    }

    /**
     * The codec between a record type and its bytes: {@code decode} builds the record through
     * its canonical constructor, {@code encode} writes its components. Computed once per class.
     */
    public static <R extends Record> RecordCodec<R> codec(Class<R> type) {
        return RecordMapping.of(type, null).codec();
    }

    /**
     * As {@link #codec(Class)}, with the caller's lookup for records that are not public in an
     * exported package (a named module passes {@code MethodHandles.lookup()}).
     */
    public static <R extends Record> RecordCodec<R> codec(Class<R> type, MethodHandles.Lookup lookup) {
        return RecordMapping.of(type, Objects.requireNonNull(lookup, "lookup")).codec();
    }

    // ---- queries ------------------------------------------------------------------------------

    /** The name given to the builder ({@code ProcessExecEvent}). */
    public String name() {
        return name;
    }

    /** The struct tag in C ({@code process_exec_event}). */
    public String cName() {
        return cName;
    }

    /** Total size in bytes, trailing padding included ({@code sizeof}). */
    public int size() {
        return size;
    }

    /** Alignment of the struct: its largest member alignment, or 1 when packed ({@code _Alignof}). */
    public int alignment() {
        return align;
    }

    /** True if laid out with {@code __attribute__((packed))}. */
    public boolean packed() {
        return packed;
    }

    /** The top-level fields in declaration order. */
    public List<Field> fields() {
        return fields;
    }

    /** The field at {@code path}: a name, a path through nested structs or an array element. */
    public Field field(String path) {
        if (path == null) {
            throw new IllegalArgumentException(name + ": field path is null");
        }
        Field f = byPath.get(path);
        if (f != null) {
            return f;
        }
        f = indexed.get(path);
        if (f == null) {
            f = resolve(path);
            indexed.put(path, f);
        }
        return f;
    }

    /** True if {@code path} names a field. */
    public boolean hasField(String path) {
        try {
            field(path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Byte offset of {@code path} from the start of the struct ({@code offsetof}). */
    public int offset(String path) {
        return field(path).offset();
    }

    /** Every field reachable without an index, nested ones included, by path, in layout order. */
    public Map<String, Field> fieldsByPath() {
        return byPath;
    }

    private Field resolve(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty field path");
        }
        StructLayout layout = this;
        String prefix = "";
        int delta = 0;
        Field current = null;
        for (String segment : path.split("\\.", -1)) {
            if (current != null) {
                if (current.kind() != Field.Kind.STRUCT) {
                    throw new IllegalArgumentException(name + "." + current.name() + " is " + current.typeName()
                            + ": it has no field '" + segment + "'");
                }
                layout = current.struct();
                delta = current.offset();
                prefix = current.name() + ".";
            }
            String fieldName = segment;
            boolean indexed = false;
            int index = 0;
            int bracket = segment.indexOf('[');
            if (bracket >= 0) {
                if (!segment.endsWith("]")) {
                    throw new IllegalArgumentException(name + ": malformed field path '" + path + "'");
                }
                fieldName = segment.substring(0, bracket);
                indexed = true;
                try {
                    index = Integer.parseInt(segment.substring(bracket + 1, segment.length() - 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": malformed index in field path '" + path + "'");
                }
            }
            Field f = layout.direct(fieldName);
            if (f == null) {
                String where = layout == this ? name : "struct " + layout.name + " (" + name + "." + prefix.substring(0, prefix.length() - 1) + ")";
                List<String> known = new ArrayList<>();
                for (Field k : layout.fields) {
                    known.add(k.name());
                }
                throw new IllegalArgumentException(where + " has no field '" + fieldName + "'"
                        + DidYouMean.hint(fieldName, known, "fields", 12));
            }
            current = f.rename(prefix + fieldName, delta);
            if (indexed) {
                current = element(current, index, prefix + segment);
            }
        }
        return current;
    }

    private Field element(Field array, int index, String path) {
        if (array.kind() == Field.Kind.SCALAR || array.kind() == Field.Kind.STRUCT) {
            throw new IllegalArgumentException(name + "." + array.name() + " is " + array.typeName()
                    + ", not an array: cannot index it with [" + index + "]");
        }
        if (index < 0 || index >= array.count()) {
            throw new IllegalArgumentException(name + "." + array.name() + " is " + array.typeName()
                    + ": index " + index + " out of range 0.." + (array.count() - 1));
        }
        int off = array.offset() + index * array.elementSize();
        if (array.kind() == Field.Kind.STRUCT_ARRAY) {
            return new Field(path, Field.Kind.STRUCT, null, array.struct(), 1, off, array.struct().size(), array.align());
        }
        return new Field(path, Field.Kind.SCALAR, array.type(), null, 1, off, array.type().bytes(), array.align());
    }

    private Field direct(String fieldName) {
        for (Field f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        return null;
    }

    // ---- code generation ----------------------------------------------------------------------

    /**
     * {@code *(width *)(base + offset(field)) = value}: an STX of the field's own width.
     *
     * @param field an integer field (or array element, {@code vals[2]})
     * @param base register holding the struct's address
     * @param value register holding the value; its low bytes are stored
     */
    public Instruction store(String field, Reg base, Reg value) {
        return FieldCode.store(this, field, base, 0, value, null);
    }

    /**
     * As {@link #store(String, Reg, Reg)}, checking that {@code width} is the field's width:
     * {@code store("pid", R0, R8, Size.DW)} fails, since an 8-byte store into a {@code __u32}
     * would overwrite the next field.
     */
    public Instruction store(String field, Reg base, Reg value, Size width) {
        return FieldCode.store(this, field, base, 0, value, Objects.requireNonNull(width, "width"));
    }

    /**
     * {@code *(width *)(base + offset(field)) = imm}: an ST of the field's width. {@code imm} must
     * fit the field (signed or unsigned) and, for a 64-bit field, be a signed 32-bit value (ST
     * sign-extends its immediate).
     */
    public Instruction storeImm(String field, Reg base, long imm) {
        return FieldCode.storeImm(this, field, base, 0, imm);
    }

    /**
     * {@code dst = *(width *)(base + offset(field))}, zero-extended (LDX; works on every kernel).
     * Argument order is destination first, as in the ISA and {@code ProgramBuilder.ldx}.
     */
    public Instruction load(Reg dst, Reg base, String field) {
        return FieldCode.load(this, dst, base, 0, field, false);
    }

    /**
     * As {@link #load}, but a signed field ({@code __s8}, {@code __s16}, {@code __s32}) is
     * sign-extended to 64 bits ({@code BPF_MEMSX}, Linux 6.6); unsigned and 64-bit fields load
     * as with {@link #load}.
     */
    public Instruction loadSigned(Reg dst, Reg base, String field) {
        return FieldCode.load(this, dst, base, 0, field, true);
    }

    /**
     * As {@link #store(String, Reg, Reg)} for a field already resolved with {@link #field(String)}:
     * no path lookup per call, for code generators that emit the same field many times.
     *
     * <pre>{@code
     * Field pid = exec.field("pid");
     * b.emit(exec.store(pid, R0, R8));
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code field} is not an integer, or lies outside this struct
     *         (a {@link Field} from another layout)
     */
    public Instruction store(Field field, Reg base, Reg value) {
        return FieldCode.store(this, field, base, 0, value, null);
    }

    /** As {@link #store(String, Reg, Reg, Size)} for a resolved {@link Field}. */
    public Instruction store(Field field, Reg base, Reg value, Size width) {
        return FieldCode.store(this, field, base, 0, value, Objects.requireNonNull(width, "width"));
    }

    /** As {@link #storeImm(String, Reg, long)} for a resolved {@link Field}. */
    public Instruction storeImm(Field field, Reg base, long imm) {
        return FieldCode.storeImm(this, field, base, 0, imm);
    }

    /** As {@link #load(Reg, Reg, String)} for a resolved {@link Field}: {@code exec.load(R1, R6, exec.field("pid"))}. */
    public Instruction load(Reg dst, Reg base, Field field) {
        return FieldCode.load(this, dst, base, 0, field, false);
    }

    /** As {@link #loadSigned(Reg, Reg, String)} for a resolved {@link Field}. */
    public Instruction loadSigned(Reg dst, Reg base, Field field) {
        return FieldCode.load(this, dst, base, 0, field, true);
    }

    /** Stores of zero over the whole struct, widest aligned stores first (5 × stdw for 40 bytes). */
    public List<Instruction> zero(Reg base) {
        return FieldCode.zero(this, base, 0, 0, size);
    }

    /** Stores of zero from the start of {@code fromField} to the end of {@code toField}, inclusive. */
    public List<Instruction> zero(Reg base, String fromField, String toField) {
        Field from = field(fromField);
        Field to = field(toField);
        if (to.offset() + to.size() <= from.offset()) {
            throw new IllegalArgumentException(name + ": zero range " + fromField + " (offset " + from.offset()
                    + ") .. " + toField + " (offset " + to.offset() + ") is empty: " + toField
                    + " ends before " + fromField + " starts");
        }
        return FieldCode.zero(this, base, 0, from.offset(), to.offset() + to.size());
    }

    /**
     * {@code dst = base + offset(field)}: the field's address, for helpers that write into it
     * ({@code get_current_comm} into {@code comm}). One {@code add} when {@code dst == base},
     * else a {@code mov} and an {@code add} (the add is left out at offset 0).
     */
    public List<Instruction> addressOf(Reg dst, Reg base, String field) {
        return FieldCode.addressOf(dst, base, field(field).offset());
    }

    /**
     * {@code r0 = bpf_get_current_comm(base + offset(field), n)}: the task's command name into a
     * {@code char[n]} field (the lab's {@code comm}). Clobbers r0..r5, like every helper call.
     * On Linux 6.1 the bytes after the NUL keep what was there ({@link #zero(Reg, String, String)} the field first
     * where every byte counts, as in a map key).
     */
    public List<Instruction> getCurrentComm(Reg base, String field) {
        Field f = field(field);
        if (f.kind() != Field.Kind.CHARS) {
            throw new IllegalArgumentException(name + "." + f.name() + " is " + f.typeName()
                    + ": get_current_comm writes a char[n] field");
        }
        return Fragments.getCurrentComm(base, f.offset(), f.size());
    }

    /**
     * A place for this struct on the BPF stack, directly under the frame pointer (r10): the slot
     * is 8-byte aligned and its codegen methods address it through r10.
     *
     * @throws IllegalArgumentException if the struct does not fit the 512-byte BPF stack
     */
    public StackSlot onStack() {
        return onStack(0);
    }

    /**
     * A stack slot under {@code bytesAlreadyUsed} bytes of other stack data (so two structs can
     * share the frame: {@code B.onStack(a.bytesUsed())}).
     *
     * @throws IllegalArgumentException if the slot would reach past the 512-byte BPF stack
     */
    public StackSlot onStack(int bytesAlreadyUsed) {
        return StackSlot.allocate(this, bytesAlreadyUsed);
    }

    /** The r10-relative offset of this struct placed at the top of the stack: {@code onStack().offset()}. */
    public int stackOffset() {
        return onStack().offset();
    }

    /**
     * Checks that this struct can be reserved in a ring buffer of {@code ringBytes} data bytes
     * (a record also carries an 8-byte header and is rounded up to 8 bytes) and returns the size
     * to pass to {@code bpf_ringbuf_reserve}.
     *
     * @throws IllegalArgumentException naming both sizes if the record could never be reserved
     */
    public int ringBufferReserveSize(long ringBytes) {
        if (ringBytes <= 0 || Long.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException(name + ": ring buffer size " + ringBytes
                    + " is not a power of 2 (the kernel requires a power-of-2 multiple of the page size)");
        }
        if (size > RingBufRecord.MAX_SAMPLE_SIZE) {
            throw new IllegalArgumentException(name + " is " + size + " bytes: a ring-buffer record may be at most "
                    + RingBufRecord.MAX_SAMPLE_SIZE + " bytes (RINGBUF_MAX_RECORD_SZ)");
        }
        long record = RingBufRecord.span((long) size);
        if (record > ringBytes) {
            throw new IllegalArgumentException(name + " is " + size + " bytes (" + record
                    + " with the 8-byte record header, rounded to 8): a ring buffer of " + ringBytes
                    + " bytes can never reserve it; bpf_ringbuf_reserve would always return NULL");
        }
        return size;
    }

    // ---- decoding and encoding ----------------------------------------------------------------

    /** Decodes the struct at the buffer's position (position unchanged), in the buffer's byte order. */
    public StructValue decode(ByteBuffer buf) {
        return decode(buf, buf.position());
    }

    /** Decodes the struct at absolute {@code offset}, in the buffer's byte order. */
    public StructValue decode(ByteBuffer buf, int offset) {
        checkBounds(buf, offset);
        byte[] copy = new byte[size];
        buf.get(offset, copy);
        return new StructValue(this, copy, 0, buf.order() == ByteOrder.BIG_ENDIAN);
    }

    /** Decodes {@code bytes} (exactly or at least {@link #size()} long) in the host's byte order. */
    public StructValue decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 0);
    }

    /** Writes {@code value} at absolute {@code offset}, in the buffer's byte order. */
    public void encode(StructValue value, ByteBuffer buf, int offset) {
        if (!value.layout().equals(this)) {
            throw new IllegalArgumentException("cannot encode a " + value.layout().name() + " value as " + name);
        }
        checkBounds(buf, offset);
        value.writeTo(buf, offset);
    }

    /** A new value with every byte zero, to fill in with {@link StructValue.Builder#set}. */
    public StructValue.Builder valueBuilder() {
        return new StructValue.Builder(this);
    }

    /**
     * A {@link Codec} between this layout's bytes and {@link StructValue}s (for map keys and
     * values when no record type describes them): {@code map.typed(Codec.u32(), layout.valueCodec())}.
     */
    public Codec<StructValue> valueCodec() {
        return new Codec<>() {
            @Override
            public int size() {
                return StructLayout.this.size;
            }

            @Override
            public StructValue decode(ByteBuffer buf, int offset) {
                return StructLayout.this.decode(buf, offset);
            }

            @Override
            public void encode(StructValue value, ByteBuffer buf, int offset) {
                StructLayout.this.encode(value, buf, offset);
            }

            @Override
            public String toString() {
                return "valueCodec[" + StructLayout.this.name + "]";
            }
        };
    }

    /** A new flyweight reader; wrap it around a buffer and read fields without allocating. */
    public StructView view() {
        return new StructView(this);
    }

    /**
     * Throws a message naming the struct, the bytes needed and the bytes present if the buffer
     * cannot hold this struct at {@code offset}.
     */
    public void checkBounds(ByteBuffer buf, int offset) {
        if (offset < 0 || (long) offset + size > buf.limit()) {
            throw new IllegalArgumentException(name + " needs " + size + " bytes at offset " + offset
                    + " but the buffer has " + Math.max(0, buf.limit() - offset) + " (limit " + buf.limit()
                    + "): truncated record");
        }
    }

    // ---- C ------------------------------------------------------------------------------------

    /**
     * The struct as C, nested struct definitions first, for {@code <linux/types.h>}:
     * {@code struct process_exec_event { __u64 timestamp; … };} with offsets as comments.
     */
    public String toC() {
        return CRenderer.render(this);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StructLayout)) {
            return false;
        }
        StructLayout that = (StructLayout) o;
        return packed == that.packed && size == that.size && align == that.align && name.equals(that.name)
                && cName.equals(that.cName) && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, size, fields.size());
    }

    /** {@code ProcessExecEvent(40 bytes: timestamp u64 @0, pid u32 @8, …)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('(').append(size).append(" bytes");
        if (packed) {
            sb.append(", packed");
        }
        String sep = ": ";
        for (Field f : fields) {
            sb.append(sep).append(f.name()).append(' ').append(f.typeName()).append(" @").append(f.offset());
            sep = ", ";
        }
        return sb.append(')').toString();
    }

    // ---- builder ------------------------------------------------------------------------------

    /**
     * Collects fields in order and lays them out on {@link #build()}. Names are C identifiers and
     * unique; array lengths are at least 1.
     *
     * <pre>{@code
     * StructLayout hdr = StructLayout.builder("Hdr").u32("pid").u16("flags").build();  // 8 bytes
     * StructLayout ev = StructLayout.builder("Event")
     *         .struct("hdr", hdr).array("vals", ScalarType.U32, 4)
     *         .structArray("more", hdr, 2).build();
     * }</pre>
     */
    public static final class Builder {
        private final String name;
        private String cName;
        private boolean packed;
        private int totalSize = -1;
        private int nextOffset = -1;
        private final List<Spec> specs = new ArrayList<>();

        private Builder(String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("struct name missing");
            }
            Names.checkIdentifier(name, "struct");
            this.name = name;
            this.cName = Names.snake(name);
        }

        /** The struct tag used in C ({@code process_exec_event} by default, from the name). */
        public Builder cName(String tag) {
            Names.checkIdentifier(tag, "struct " + name + ": C tag");
            this.cName = tag;
            return this;
        }

        /** Lays out without any padding: {@code __attribute__((packed))}. */
        public Builder packed() {
            this.packed = true;
            return this;
        }

        /** An unsigned 8-bit field. */
        public Builder u8(String field) {
            return scalar(field, ScalarType.U8);
        }

        /** An unsigned 16-bit field. */
        public Builder u16(String field) {
            return scalar(field, ScalarType.U16);
        }

        /** An unsigned 32-bit field. */
        public Builder u32(String field) {
            return scalar(field, ScalarType.U32);
        }

        /** An unsigned 64-bit field. */
        public Builder u64(String field) {
            return scalar(field, ScalarType.U64);
        }

        /** A signed 8-bit field. */
        public Builder s8(String field) {
            return scalar(field, ScalarType.S8);
        }

        /** A signed 16-bit field. */
        public Builder s16(String field) {
            return scalar(field, ScalarType.S16);
        }

        /** A signed 32-bit field. */
        public Builder s32(String field) {
            return scalar(field, ScalarType.S32);
        }

        /** A signed 64-bit field. */
        public Builder s64(String field) {
            return scalar(field, ScalarType.S64);
        }

        /** An integer field of the given type. */
        public Builder scalar(String field, ScalarType type) {
            return add(field, Field.Kind.SCALAR, Objects.requireNonNull(type, "type"), null, 1);
        }

        /** {@code char field[length]}: a byte string, decoded up to its first NUL. */
        public Builder chars(String field, int length) {
            return add(field, Field.Kind.CHARS, ScalarType.CHAR, null, length);
        }

        /** {@code type field[length]}; an array of {@link ScalarType#CHAR} is {@link #chars}. */
        public Builder array(String field, ScalarType type, int length) {
            Objects.requireNonNull(type, "type");
            return add(field, type == ScalarType.CHAR ? Field.Kind.CHARS : Field.Kind.ARRAY, type, null, length);
        }

        /** A nested struct, aligned to its own alignment. */
        public Builder struct(String field, StructLayout layout) {
            return add(field, Field.Kind.STRUCT, null, Objects.requireNonNull(layout, "layout"), 1);
        }

        /** An array of nested structs. */
        public Builder structArray(String field, StructLayout layout, int length) {
            return add(field, Field.Kind.STRUCT_ARRAY, null, Objects.requireNonNull(layout, "layout"), length);
        }

        /**
         * Places the next field at an explicit offset (as a kernel tracepoint format or BTF gives
         * it). The offset may not overlap the previous field and, unless packed, must be a multiple
         * of the next field's alignment.
         */
        public Builder at(int offset) {
            if (offset < 0) {
                throw new IllegalArgumentException("struct " + name + ": offset " + offset + " is negative");
            }
            this.nextOffset = offset;
            return this;
        }

        /** Leaves {@code bytes} unnamed bytes after the previous field. */
        public Builder pad(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("struct " + name + ": padding of " + bytes + " bytes: expected at least 1");
            }
            specs.add(new Spec(null, null, null, null, bytes, -1));
            return this;
        }

        /**
         * Sets the total size explicitly (at least the computed size and, unless packed, a multiple
         * of the struct's alignment): for kernel structs with trailing members left out.
         */
        public Builder size(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("struct " + name + ": size " + bytes + ": expected at least 1");
            }
            this.totalSize = bytes;
            return this;
        }

        private Builder add(String field, Field.Kind kind, ScalarType type, StructLayout nested, int count) {
            Names.checkIdentifier(field, "struct " + name + ": field");
            for (Spec s : specs) {
                if (field.equals(s.name)) {
                    throw new IllegalArgumentException("struct " + name + ": duplicate field name '" + field
                            + "' (fields " + specs.indexOf(s) + " and " + specs.size() + ")");
                }
            }
            if (kind != Field.Kind.SCALAR && kind != Field.Kind.STRUCT && count < 1) {
                throw new IllegalArgumentException("struct " + name + ": field '" + field + "' has length " + count
                        + ": zero-length and negative arrays are not allowed (expected at least 1)");
            }
            specs.add(new Spec(field, kind, type, nested, count, nextOffset));
            nextOffset = -1;
            return this;
        }

        /** Lays the fields out. */
        public StructLayout build() {
            if (specs.stream().noneMatch(s -> s.name != null)) {
                throw new IllegalArgumentException("struct " + name + " has no fields: an empty struct has no C size");
            }
            if (nextOffset >= 0) {
                throw new IllegalArgumentException("struct " + name + ": at(" + nextOffset + ") is not followed by a field");
            }
            List<Field> out = new ArrayList<>();
            long off = 0;
            int maxAlign = 1;
            for (Spec s : specs) {
                if (s.name == null) {
                    off += s.count;
                    continue;
                }
                int elemSize = s.type != null ? s.type.bytes() : s.nested.size();
                int natural = s.type != null ? s.type.bytes() : s.nested.alignment();
                int a = packed ? 1 : natural;
                if (s.at >= 0) {
                    if (s.at < off) {
                        throw new IllegalArgumentException("struct " + name + ": field '" + s.name + "' at offset "
                                + s.at + " overlaps the previous field, which ends at " + off);
                    }
                    if (s.at % a != 0) {
                        throw new IllegalArgumentException("struct " + name + ": field '" + s.name + "' at offset "
                                + s.at + " is not a multiple of its alignment " + a + "; declare the struct packed()");
                    }
                    off = s.at;
                } else {
                    off = (off + a - 1) / a * a;
                }
                long bytes = (long) elemSize * s.count;
                if (off + bytes > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("struct " + name + ": field '" + s.name + "' ends at "
                            + (off + bytes) + " bytes: too large a struct");
                }
                out.add(new Field(s.name, s.kind, s.type, s.nested, s.count, (int) off, (int) bytes, a));
                off += bytes;
                maxAlign = Math.max(maxAlign, a);
            }
            long total = (off + maxAlign - 1) / maxAlign * maxAlign;
            if (totalSize >= 0) {
                if (totalSize < off) {
                    throw new IllegalArgumentException("struct " + name + ": size(" + totalSize
                            + ") is smaller than its fields, which end at " + off);
                }
                if (totalSize % maxAlign != 0) {
                    throw new IllegalArgumentException("struct " + name + ": size(" + totalSize
                            + ") is not a multiple of its alignment " + maxAlign);
                }
                total = totalSize;
            }
            return new StructLayout(name, cName, packed, (int) total, maxAlign, out);
        }
    }

    private static final class Spec {
        final String name;
        final Field.Kind kind;
        final ScalarType type;
        final StructLayout nested;
        final int count;
        final int at;

        Spec(String name, Field.Kind kind, ScalarType type, StructLayout nested, int count, int at) {
            this.name = name;
            this.kind = kind;
            this.type = type;
            this.nested = nested;
            this.count = count;
            this.at = at;
        }
    }
}
