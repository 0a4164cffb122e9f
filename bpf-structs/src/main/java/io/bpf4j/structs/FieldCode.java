package io.bpf4j.structs;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.StoreInsn;

import java.util.ArrayList;
import java.util.List;

/**
 * The instructions behind {@link StructLayout}'s and {@link StackSlot}'s code generation. A struct
 * lives at {@code base + disp} ({@code disp} is 0 for a pointer to the struct, the slot's negative
 * offset for r10); every check names the struct and the field.
 */
@EmitsInstructions
final class FieldCode {
    private FieldCode() {
    }

    static Instruction store(StructLayout l, String path, Reg base, int disp, Reg value, Size width) {
        requireReg(l, path, base, "base");
        return store(l, l.field(path), base, disp, value, width);
    }

    static Instruction store(StructLayout l, Field field, Reg base, int disp, Reg value, Size width) {
        String path = named(l, field);
        requireReg(l, path, base, "base");
        requireReg(l, path, value, "value");
        Field f = access(l, field, disp, "store", width);
        return new StoreInsn(f.type().size(), base, disp + f.offset(), value, 0);
    }

    static Instruction storeImm(StructLayout l, String path, Reg base, int disp, long imm) {
        requireReg(l, path, base, "base");
        return storeImm(l, l.field(path), base, disp, imm);
    }

    static Instruction storeImm(StructLayout l, Field field, Reg base, int disp, long imm) {
        requireReg(l, named(l, field), base, "base");
        Field f = access(l, field, disp, "store", null);
        if (!f.type().accepts(imm)) {
            throw new IllegalArgumentException(l.name() + "." + f.name() + " is " + f.type().shortName()
                    + ": immediate " + imm + " does not fit in " + f.type().bytes()
                    + (f.type().bytes() == 1 ? " byte" : " bytes"));
        }
        if (imm < Integer.MIN_VALUE || imm > Integer.MAX_VALUE) {
            // ST carries a signed 32-bit immediate; a u32 bit pattern is stored by its low 32 bits.
            if (f.type().bytes() == 4) {
                imm = (int) imm;
            } else {
                throw new IllegalArgumentException(l.name() + "." + f.name() + " is " + f.type().shortName()
                        + ": immediate " + imm + " is not a signed 32-bit value (ST sign-extends its "
                        + "immediate); load it with ldImm64 into a register and use store()");
            }
        }
        return new StoreInsn(f.type().size(), base, disp + f.offset(), null, (int) imm);
    }

    static Instruction load(StructLayout l, Reg dst, Reg base, int disp, String path, boolean signed) {
        requireReg(l, path, dst, "destination");
        requireReg(l, path, base, "base");
        return load(l, dst, base, disp, l.field(path), signed);
    }

    static Instruction load(StructLayout l, Reg dst, Reg base, int disp, Field field, boolean signed) {
        String path = named(l, field);
        requireReg(l, path, dst, "destination");
        requireReg(l, path, base, "base");
        Field f = access(l, field, disp, "load", null);
        boolean sx = signed && f.type().signed() && f.type().bytes() < 8;
        return new LoadInsn(f.type().size(), sx, dst, base, disp + f.offset());
    }

    static List<Instruction> zero(StructLayout l, Reg base, int disp, int from, int to) {
        requireReg(l, "", base, "base");
        checkS16(l, null, disp + from);
        checkS16(l, null, disp + to);
        List<Instruction> out = new ArrayList<>();
        int p = disp + from;
        int end = disp + to;
        while (p < end) {
            int w = 8;
            while (w > 1 && (Math.floorMod(p, w) != 0 || p + w > end)) {
                w >>= 1;
            }
            out.add(new StoreInsn(Size.ofBytes(w), base, p, null, 0));
            p += w;
        }
        return out;
    }

    static List<Instruction> addressOf(Reg dst, Reg base, int offset) {
        if (dst == null || base == null) {
            throw new IllegalArgumentException("addressOf: " + (dst == null ? "destination" : "base") + " register missing");
        }
        List<Instruction> out = new ArrayList<>(2);
        if (dst != base) {
            out.add(new AluInsn(AluOp.MOV, true, dst, base, 0));
        }
        if (offset != 0) {
            out.add(new AluInsn(AluOp.ADD, true, dst, null, offset));
        }
        return out;
    }

    /** Resolves a field for a load or store and checks kind, width, alignment and offset range. */
    private static Field access(StructLayout l, Field f, int disp, String op, Size width) {
        String where = l.name() + "." + f.name();
        if (!f.isScalar()) {
            String hint = f.kind() == Field.Kind.CHARS || f.kind() == Field.Kind.ARRAY
                    ? "; store an element (" + f.name() + "[0]) or pass addressOf(…, \"" + f.name() + "\") to a helper"
                    : "; " + op + " one of its fields (" + f.name() + "." + f.struct().fields().get(0).name() + ")";
            throw new IllegalArgumentException(where + " is " + f.typeName() + ": a " + op
                    + " moves one integer (u8..u64)" + hint);
        }
        if (width != null && width != f.type().size()) {
            throw new IllegalArgumentException(where + " is " + f.type().shortName() + " (" + f.type().bytes()
                    + " bytes) but the " + op + " is " + width.bytes() + " bytes wide ("
                    + width.name().toLowerCase() + ")"
                    + (width.bytes() > f.type().bytes() ? ": it would overwrite the bytes after the field" : ""));
        }
        int at = disp + f.offset();
        int w = f.type().bytes();
        if (Math.floorMod(at, w) != 0) {
            throw new IllegalArgumentException(where + " (" + f.type().shortName() + ") is at offset " + at
                    + ", not a multiple of " + w + ": a misaligned " + op + " (the verifier rejects it on the "
                    + "stack and on strict-alignment machines)" + (l.packed() ? "; the struct is packed" : ""));
        }
        checkS16(l, f.name(), at);
        return f;
    }

    /**
     * The field's path, after checking it lies inside {@code l}: a {@link Field} carries no owner,
     * so one taken from another layout is caught here when it would reach past this struct.
     */
    private static String named(StructLayout l, Field f) {
        if (f == null) {
            throw new IllegalArgumentException(l.name() + ": field is null");
        }
        if (f.offset() < 0 || (long) f.offset() + f.size() > l.size()) {
            throw new IllegalArgumentException(l.name() + ": field " + f.name() + " (offset " + f.offset() + ", "
                    + f.size() + " bytes) lies outside this " + l.size() + "-byte struct; pass a Field from "
                    + l.name() + ".field(path)");
        }
        return f.name();
    }

    private static void checkS16(StructLayout l, String field, int at) {
        if (at < Short.MIN_VALUE || at > Short.MAX_VALUE) {
            throw new IllegalArgumentException(l.name() + (field == null ? "" : "." + field) + ": offset " + at
                    + " does not fit an instruction's signed 16-bit offset");
        }
    }

    private static void requireReg(StructLayout l, String path, Reg r, String role) {
        if (r == null) {
            throw new IllegalArgumentException(l.name() + (path.isEmpty() ? "" : "." + path) + ": " + role + " register missing");
        }
    }
}
