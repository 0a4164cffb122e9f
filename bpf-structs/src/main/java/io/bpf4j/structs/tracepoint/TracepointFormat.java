package io.bpf4j.structs.tracepoint;

import io.bpf4j.structs.ScalarType;
import io.bpf4j.structs.StructLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tracepoint's context record layout, parsed from its {@code format} file under tracefs
 * ({@code /sys/kernel/tracing/events/<category>/<name>/format}) with the kernel's own offsets.
 * A tracepoint BPF program receives a pointer to this record in r1.
 *
 * <pre>{@code
 * TracepointFormat exec = TracepointFormat.load(
 *         Path.of("/sys/kernel/tracing/events/sched/sched_process_exec/format"));
 * exec.field("pid").offset();                 // 12
 * exec.field("filename").kind();              // DATA_LOC
 * List<Instruction> copy = TracepointReads.readDataLocString(exec.field("filename"), Reg.R6, Reg.R7, 24, 256);
 * }</pre>
 *
 * @param name the event's name ({@code sched_process_exec})
 * @param id the event's id (the {@code ID:} line; used by perf_event_open), or -1 if absent
 * @param fields the fields in file order, common header first
 * @param printFormat the {@code print fmt:} line's text ("" if absent)
 */
public record TracepointFormat(String name, int id, List<TracepointField> fields, String printFormat) {

    public TracepointFormat {
        fields = List.copyOf(fields);
    }

    /** Parses the text of a {@code format} file. */
    public static TracepointFormat parse(String text) {
        return Parser.parse(text);
    }

    /** Reads and parses a {@code format} file. */
    public static TracepointFormat load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The field called {@code name}.
     *
     * @throws IllegalArgumentException if there is none (the message lists the fields)
     */
    public TracepointField field(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("tracepoint " + this.name
                + " has no field '" + name + "': fields are " + names()));
    }

    /** The field called {@code name}, if any. */
    public Optional<TracepointField> find(String name) {
        for (TracepointField f : fields) {
            if (f.name().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The event's own fields, without the {@code common_*} header. */
    public List<TracepointField> eventFields() {
        List<TracepointField> out = new ArrayList<>();
        for (TracepointField f : fields) {
            if (!f.common()) {
                out.add(f);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Size of the fixed part of the record: the end of the last field (dynamic data follows it). */
    public int size() {
        int end = 0;
        for (TracepointField f : fields) {
            end = Math.max(end, f.offset() + f.size());
        }
        return end;
    }

    /**
     * The record as a bpf-structs layout, every field at the kernel's offset: integers as the
     * scalar of their size and sign, {@code char} arrays as {@code chars}, other arrays as arrays of
     * their element size, {@code __data_loc}/{@code __rel_loc} fields as their u32 location word
     * (see {@link DataLoc}); flexible arrays (size 0) are left out.
     *
     * <pre>{@code
     * StructLayout ctx = exec.layout();
     * ctx.offset("pid");                      // 12
     * ctx.load(Reg.R7, Reg.R6, "pid");        // r7 = *(u32 *)(r6 +12)
     * }</pre>
     */
    public StructLayout layout() {
        boolean packed = false;
        int maxAlign = 1;
        for (TracepointField f : fields) {
            int a = align(f);
            packed |= a > 0 && f.offset() % a != 0;
            maxAlign = Math.max(maxAlign, a);
        }
        int size = size();
        packed |= size % maxAlign != 0;
        // A tracepoint name need not be a C identifier (9p's "9p_client_req"); the kernel's own
        // struct for it is then the one to name.
        String struct = name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : "trace_event_raw_" + name;
        StructLayout.Builder b = StructLayout.builder(struct).cName(struct);
        if (packed) {
            b.packed();
        }
        for (TracepointField f : fields) {
            if (f.size() == 0) {
                continue;
            }
            b.at(f.offset());
            if (f.isDynamic()) {
                b.u32(f.name());
            } else if (f.kind() == TracepointField.Kind.ARRAY) {
                int n = f.arrayLength() > 0 ? f.arrayLength() : f.size();
                ScalarType e = f.size() % n == 0 ? scalar(f.size() / n, f.signed()) : null;
                if (f.isString()) {
                    b.chars(f.name(), f.size());
                } else if (e != null) {
                    b.array(f.name(), e, n);
                } else {
                    b.array(f.name(), ScalarType.U8, f.size());
                }
            } else {
                ScalarType t = scalar(f.size(), f.signed());
                if (t != null) {
                    b.scalar(f.name(), t);
                } else {
                    b.array(f.name(), ScalarType.U8, f.size());
                }
            }
        }
        return b.size(size).build();
    }

    /** Natural alignment the layout will give a field (0 for a field left out). */
    private static int align(TracepointField f) {
        if (f.size() == 0) {
            return 0;
        }
        if (f.isDynamic()) {
            return 4;
        }
        if (f.kind() == TracepointField.Kind.ARRAY) {
            int n = f.arrayLength() > 0 ? f.arrayLength() : f.size();
            if (f.isString() || f.size() % n != 0) {
                return 1;
            }
            ScalarType e = scalar(f.size() / n, f.signed());
            return e == null ? 1 : e.bytes();
        }
        ScalarType t = scalar(f.size(), f.signed());
        return t == null ? 1 : t.bytes();
    }

    private static ScalarType scalar(int size, boolean signed) {
        switch (size) {
            case 1: return signed ? ScalarType.S8 : ScalarType.U8;
            case 2: return signed ? ScalarType.S16 : ScalarType.U16;
            case 4: return signed ? ScalarType.S32 : ScalarType.U32;
            case 8: return signed ? ScalarType.S64 : ScalarType.U64;
            default: return null;
        }
    }

    private List<String> names() {
        List<String> out = new ArrayList<>();
        for (TracepointField f : fields) {
            out.add(f.name());
        }
        return out;
    }

    /**
     * Decodes a raw record (as the kernel lays it out; absolute positions from {@code record}'s
     * index 0, in the host byte order) into field values: integers as {@code Long} (sign-extended
     * when signed), char arrays and {@code __data_loc char[]} as {@code String}, other arrays and
     * dynamic data as {@code byte[]}.
     *
     * <pre>{@code
     * Map<String, Object> v = exec.decode(record);
     * v.get("filename");   // "/usr/bin/true"
     * }</pre>
     */
    public Map<String, Object> decode(ByteBuffer record) {
        ByteBuffer r = record.duplicate().order(ByteOrder.nativeOrder());
        Map<String, Object> out = new LinkedHashMap<>();
        for (TracepointField f : fields) {
            out.put(f.name(), value(r, f));
        }
        return out;
    }

    private static Object value(ByteBuffer r, TracepointField f) {
        switch (f.kind()) {
            case DATA_LOC:
            case REL_LOC: {
                DataLoc loc = f.location(r.getInt(f.offset()));
                if (f.isString()) {
                    return DataLoc.cString(r, loc.offset(), loc.length());
                }
                return bytes(r, loc.offset(), loc.length());
            }
            case ARRAY:
                if (f.isString()) {
                    return DataLoc.cString(r, f.offset(), f.size());
                }
                return bytes(r, f.offset(), f.size());
            default:
                switch (f.size()) {
                    case 1: return (long) (f.signed() ? r.get(f.offset()) : r.get(f.offset()) & 0xff);
                    case 2: return (long) (f.signed() ? r.getShort(f.offset()) : r.getShort(f.offset()) & 0xffff);
                    case 4: return f.signed() ? (long) r.getInt(f.offset()) : r.getInt(f.offset()) & 0xffffffffL;
                    case 8: return r.getLong(f.offset());
                    default: return bytes(r, f.offset(), f.size());
                }
        }
    }

    private static byte[] bytes(ByteBuffer r, int offset, int length) {
        int n = Math.max(0, Math.min(length, r.limit() - offset));
        byte[] b = new byte[n];
        r.get(offset, b, 0, n);
        return b;
    }

    /** The format file's grammar, line by line. */
    private static final class Parser {
        private Parser() {
        }

        static TracepointFormat parse(String text) {
            if (text == null) {
                throw new TracepointFormatException(0, "no text");
            }
            String name = null;
            int id = -1;
            String print = "";
            List<TracepointField> fields = new ArrayList<>();
            boolean common = true;
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                int lineNo = i + 1;
                String line = lines[i].trim();
                if (line.isEmpty()) {
                    if (!fields.isEmpty()) {
                        common = false; // a blank line separates the common header from the event's fields
                    }
                    continue;
                }
                if (line.startsWith("name:")) {
                    name = line.substring(5).trim();
                } else if (line.startsWith("ID:")) {
                    try {
                        id = Integer.parseInt(line.substring(3).trim());
                    } catch (NumberFormatException e) {
                        throw new TracepointFormatException(lineNo, "ID '" + line.substring(3).trim() + "' is not a number");
                    }
                } else if (line.startsWith("field:")) {
                    TracepointField f = field(line, lineNo);
                    fields.add(new TracepointField(f.declaration(), f.type(), f.name(), f.offset(), f.size(),
                            f.signed(), f.arrayLength(), f.kind(), common && f.name().startsWith("common_")));
                } else if (line.startsWith("print fmt:")) {
                    // The last entry; its text may span lines (a format string with a newline in it).
                    StringBuilder sb = new StringBuilder(line.substring(10).trim());
                    for (int j = i + 1; j < lines.length; j++) {
                        sb.append('\n').append(lines[j]);
                    }
                    print = sb.toString().trim();
                    break;
                } else if (!line.equals("format:")) {
                    String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
                    throw new TracepointFormatException(lineNo, "unexpected line '" + shown
                            + "': expected name:, ID:, format:, field: or print fmt:");
                }
            }
            if (name == null) {
                throw new TracepointFormatException(1, "no 'name:' line");
            }
            if (fields.isEmpty()) {
                throw new TracepointFormatException(1, "no 'field:' lines");
            }
            return new TracepointFormat(name, id, fields, print);
        }

        /** {@code field:<declaration>;<tab>offset:N;<tab>size:N;<tab>signed:N;} */
        private static TracepointField field(String line, int lineNo) {
            String[] parts = line.split(";");
            String decl = null;
            int offset = -1;
            int size = -1;
            int signed = 0;
            for (String part : parts) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int colon = p.indexOf(':');
                if (colon < 0) {
                    throw new TracepointFormatException(lineNo, "'" + p + "' is not key:value");
                }
                String key = p.substring(0, colon).trim();
                String value = p.substring(colon + 1).trim();
                switch (key) {
                    case "field": decl = value; break;
                    case "offset": offset = number(key, value, lineNo); break;
                    case "size": size = number(key, value, lineNo); break;
                    case "signed": signed = number(key, value, lineNo); break;
                    default: break; // later kernels may add keys; they do not change the layout
                }
            }
            if (decl == null || decl.isEmpty() || offset < 0 || size < 0) {
                throw new TracepointFormatException(lineNo, "field line needs field:, offset: and size:: '" + line + "'");
            }
            return declaration(decl, offset, size, signed != 0, lineNo);
        }

        private static int number(String key, String value, int lineNo) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new TracepointFormatException(lineNo, key + " '" + value + "' is not a number");
            }
        }

        /** Splits a C declaration into type, name and array part. */
        private static TracepointField declaration(String decl, int offset, int size, boolean signed, int lineNo) {
            String d = decl;
            TracepointField.Kind kind = TracepointField.Kind.PLAIN;
            if (d.startsWith("__data_loc ")) {
                kind = TracepointField.Kind.DATA_LOC;
                d = d.substring(11).trim();
            } else if (d.startsWith("__rel_loc ")) {
                kind = TracepointField.Kind.REL_LOC;
                d = d.substring(10).trim();
            }
            String dims = "";
            int bracket = d.indexOf('[');
            if (d.endsWith("]") && bracket >= 0) {
                dims = d.substring(bracket);
                d = d.substring(0, bracket).trim();
            }
            int nameStart = lastIdentStart(d);
            if (nameStart >= d.length()) {
                throw new TracepointFormatException(lineNo, "no field name in '" + decl + "'");
            }
            String name = d.substring(nameStart);
            String type = d.substring(0, nameStart).trim();
            if (type.isEmpty()) {
                throw new TracepointFormatException(lineNo, "no type in '" + decl + "'");
            }
            int length = -1;
            if (!dims.isEmpty() && kind == TracepointField.Kind.PLAIN) {
                kind = TracepointField.Kind.ARRAY;
                String inner = dims.substring(1, dims.indexOf(']')).trim();
                try {
                    length = inner.isEmpty() ? 0 : Integer.parseInt(inner);
                } catch (NumberFormatException e) {
                    length = 0; // an expression such as sizeof(...): size: holds the bytes
                }
            } else if (!dims.isEmpty()) {
                type = type + dims; // "__data_loc char name[]" spelling
            }
            return new TracepointField(decl, type, name, offset, size, signed, length, kind, false);
        }

        private static int lastIdentStart(String s) {
            int i = s.length();
            while (i > 0) {
                char c = s.charAt(i - 1);
                if (c == '_' || Character.isLetterOrDigit(c)) {
                    i--;
                } else {
                    break;
                }
            }
            return i;
        }
    }
}
