package io.bpf4j.structs.btf;

import io.bpf4j.structs.ScalarType;
import io.bpf4j.structs.StructLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Kernel structs from BTF as bpf-structs {@link StructLayout}s, every field at the kernel's own
 * offset, the total size the kernel's. Useful to decode a kernel object copied whole into a map or
 * ring buffer, or to declare an event holding a few members of one.
 *
 * <p>Mapping: integers and enums become the scalar of their size and sign (a 16-byte integer a
 * 16-byte array), pointers {@code u64}, floats the unsigned integer of their size (raw bits),
 * {@code char} arrays {@code chars}, other arrays arrays of their element (multi-dimensional ones
 * flattened), nested structs nested layouts, named unions byte arrays of their size. Members of
 * anonymous structs are lifted into the enclosing layout; of an anonymous union only the first
 * member is (the others share its bytes). Bitfields and flexible array members are left out: their
 * bytes stay unnamed. A struct whose members are not naturally aligned (packed in the kernel) gives
 * a packed layout.
 *
 * <pre>{@code
 * StructLayout creds = BtfLayouts.layout(Btf.kernel(), "cred", "uid", "gid", "euid");
 * creds.offset("euid");     // the kernel's offset of cred.euid
 * creds.size();             // sizeof(struct cred)
 * }</pre>
 */
public final class BtfLayouts {
    private BtfLayouts() {
    }

    /** The whole struct {@code struct}. */
    public static StructLayout layout(Btf btf, String struct) {
        int sid = btf.structId(struct);
        return whole(btf, sid, btf.nameOf(sid), 0);
    }

    /**
     * Only the named members of {@code struct} (paths through embedded structs allowed, e.g.
     * {@code "se.vruntime"}, whose field is then named {@code se_vruntime}), at their kernel offsets,
     * with the struct's full size.
     *
     * @throws IllegalArgumentException for a missing member, a bitfield, or members that overlap
     */
    public static StructLayout layout(Btf btf, String struct, String... members) {
        int sid = btf.structId(struct);
        List<Slot> slots = new ArrayList<>();
        for (String path : members) {
            BtfType.Member m = btf.member(struct, path);
            if (m.isBitfield() || (m.bitOffset() & 7) != 0) {
                throw new IllegalArgumentException(struct + "." + path + " is a bitfield: a layout field must be whole bytes");
            }
            Slot s = slot(btf, path.replace('.', '_'), m.type(), m.offset(), 0);
            if (s == null) {
                throw new IllegalArgumentException(struct + "." + path + " (" + btf.typeName(m.type())
                        + ") has no fixed size: it cannot be a layout field");
            }
            slots.add(s);
        }
        slots.sort(Comparator.comparingLong(s -> s.offset));
        for (int i = 1; i < slots.size(); i++) {
            Slot a = slots.get(i - 1);
            Slot b = slots.get(i);
            if (b.offset < a.offset + a.size) {
                throw new IllegalArgumentException(struct + ": members '" + a.name + "' and '" + b.name
                        + "' overlap (a union?): pick one");
            }
        }
        return build(btf.nameOf(sid), slots, btf.sizeOf(sid));
    }

    /** One field to place: what to call the builder with, where, how big, how aligned. */
    private static final class Slot {
        final String name;
        final long offset;
        final long size;
        final int align;
        final ScalarType scalar;   // scalar or array element
        final int count;           // 0: a scalar; > 0: array / chars / struct array length
        final boolean chars;
        final StructLayout nested; // struct or struct array

        Slot(String name, long offset, long size, int align, ScalarType scalar, int count, boolean chars,
             StructLayout nested) {
            this.name = name;
            this.offset = offset;
            this.size = size;
            this.align = align;
            this.scalar = scalar;
            this.count = count;
            this.chars = chars;
            this.nested = nested;
        }
    }

    private static StructLayout whole(Btf btf, int sid, String name, int depth) {
        if (depth > Btf.MAX_CHAIN) {
            throw new BtfFormatException(btf.where(sid), "structs nested more than " + Btf.MAX_CHAIN + " deep");
        }
        List<Slot> slots = new ArrayList<>();
        collect(btf, sid, 0, slots, depth);
        return build(name.isEmpty() ? "anon" : name, slots, btf.sizeOf(sid));
    }

    /** Members of struct/union {@code sid} (at {@code base}) into {@code out}, anonymous ones lifted. */
    private static void collect(Btf btf, int sid, long base, List<Slot> out, int depth) {
        BtfType.StructType st = (BtfType.StructType) btf.type(sid);
        for (BtfType.Member m : st.members()) {
            if (m.isBitfield() || (m.bitOffset() & 7) != 0) {
                continue;
            }
            long off = base + m.offset();
            if (m.name().isEmpty()) {
                int inner = btf.resolveId(m.type());
                int k = btf.kindCode(inner);
                if (k == BtfKind.STRUCT.code() || k == BtfKind.UNION.code()) {
                    collect(btf, inner, off, out, depth + 1);
                }
            } else {
                Slot s = slot(btf, m.name(), m.type(), off, depth);
                if (s != null) {
                    out.add(s);
                }
            }
            if (st.union() && !out.isEmpty()) {
                break; // union members share their bytes: the first one stands for all
            }
        }
    }

    /** The field for a member of type {@code type}; null for what has no bytes of its own. */
    private static Slot slot(Btf btf, String name, int type, long offset, int depth) {
        int r = btf.resolveId(type);
        BtfType t = btf.type(r);
        switch (t.kind()) {
            case INT:
            case ENUM:
            case ENUM64:
            case FLOAT:
            case PTR: {
                long size = btf.sizeOf(r);
                ScalarType s = scalar(size, signed(t));
                if (s == null) {
                    return new Slot(name, offset, size, 1, ScalarType.U8, (int) size, false, null);
                }
                return new Slot(name, offset, size, s.bytes(), s, 0, false, null);
            }
            case ARRAY: {
                long count = 1;
                int elem = r;
                for (int i = 0; i < Btf.MAX_CHAIN && btf.kindCode(elem) == BtfKind.ARRAY.code(); i++) {
                    BtfType.ArrayType a = (BtfType.ArrayType) btf.type(elem);
                    count *= a.length() & 0xffffffffL;
                    elem = btf.resolveId(a.elementType());
                }
                long size = btf.sizeOf(r);
                if (count == 0 || count > Integer.MAX_VALUE) {
                    return null; // flexible array member
                }
                BtfType e = btf.type(elem);
                int ek = e.kind().code();
                if (ek == BtfKind.STRUCT.code()) {
                    StructLayout nested = whole(btf, elem, e.name(), depth + 1);
                    return new Slot(name, offset, size, nested.alignment(), null, (int) count, false, nested);
                }
                if (ek == BtfKind.UNION.code()) {
                    return new Slot(name, offset, size, 1, ScalarType.U8, (int) size, false, null);
                }
                long esize = btf.sizeOf(elem);
                ScalarType s = scalar(esize, signed(e));
                if (s == null) {
                    return new Slot(name, offset, size, 1, ScalarType.U8, (int) size, false, null);
                }
                boolean chars = esize == 1 && e instanceof BtfType.IntType
                        && (((BtfType.IntType) e).encoding() & BtfType.IntType.CHAR) != 0
                        || esize == 1 && e.name().equals("char");
                return new Slot(name, offset, size, s.bytes(), chars ? ScalarType.CHAR : s, (int) count, chars, null);
            }
            case STRUCT: {
                StructLayout nested = whole(btf, r, t.name().isEmpty() ? name : t.name(), depth + 1);
                return new Slot(name, offset, nested.size(), nested.alignment(), null, 0, false, nested);
            }
            case UNION: {
                long size = btf.sizeOf(r);
                return size == 0 ? null : new Slot(name, offset, size, 1, ScalarType.U8, (int) size, false, null);
            }
            default:
                return null; // void, functions, forward declarations: nothing to place
        }
    }

    private static boolean signed(BtfType t) {
        if (t instanceof BtfType.IntType) {
            return ((BtfType.IntType) t).signed();
        }
        if (t instanceof BtfType.EnumType) {
            return ((BtfType.EnumType) t).signed();
        }
        return false;
    }

    private static ScalarType scalar(long size, boolean signed) {
        switch ((int) size) {
            case 1: return signed ? ScalarType.S8 : ScalarType.U8;
            case 2: return signed ? ScalarType.S16 : ScalarType.U16;
            case 4: return signed ? ScalarType.S32 : ScalarType.U32;
            case 8: return signed ? ScalarType.S64 : ScalarType.U64;
            default: return null;
        }
    }

    private static StructLayout build(String name, List<Slot> slots, long size) {
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("struct " + name + " has no members a layout can hold (only bitfields?)");
        }
        boolean packed = false;
        int maxAlign = 1;
        for (Slot s : slots) {
            packed |= s.offset % s.align != 0;
            maxAlign = Math.max(maxAlign, s.align);
        }
        packed |= size % maxAlign != 0;
        StructLayout.Builder b = StructLayout.builder(name);
        if (packed) {
            b.packed();
        }
        for (Slot s : slots) {
            b.at((int) s.offset);
            if (s.nested != null) {
                if (s.count > 0) {
                    b.structArray(s.name, s.nested, s.count);
                } else {
                    b.struct(s.name, s.nested);
                }
            } else if (s.count == 0) {
                b.scalar(s.name, s.scalar);
            } else if (s.chars) {
                b.chars(s.name, s.count);
            } else {
                b.array(s.name, s.scalar, s.count);
            }
        }
        return b.size((int) size).build();
    }
}
