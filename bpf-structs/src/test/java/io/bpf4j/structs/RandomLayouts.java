package io.bpf4j.structs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random struct layouts (every field kind, nesting, packing) for the gcc and round-trip tests. */
final class RandomLayouts {
    private static final ScalarType[] INTS = {
        ScalarType.U8, ScalarType.U16, ScalarType.U32, ScalarType.U64,
        ScalarType.S8, ScalarType.S16, ScalarType.S32, ScalarType.S64
    };

    private RandomLayouts() {
    }

    /** A layout named {@code name} with 1..8 fields, nesting up to {@code depth} levels. */
    static StructLayout layout(Random rnd, String name, int depth) {
        StructLayout.Builder b = StructLayout.builder(name);
        if (rnd.nextInt(5) == 0) {
            b.packed();
        }
        int n = 1 + rnd.nextInt(8);
        List<StructLayout> nested = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String f = "f" + i;
            int pick = rnd.nextInt(depth > 0 ? 7 : 5);
            switch (pick) {
                case 0:
                case 1:
                case 2:
                    b.scalar(f, INTS[rnd.nextInt(INTS.length)]);
                    break;
                case 3:
                    b.chars(f, 1 + rnd.nextInt(20));
                    break;
                case 4:
                    b.array(f, INTS[rnd.nextInt(INTS.length)], 1 + rnd.nextInt(5));
                    break;
                case 5:
                    b.struct(f, layout(rnd, name + "N" + i, depth - 1));
                    break;
                default:
                    b.structArray(f, layout(rnd, name + "A" + i, depth - 1), 1 + rnd.nextInt(3));
                    break;
            }
        }
        return b.build();
    }

    /** A random value for every leaf of {@code l}, set through the value builder. */
    static StructValue value(Random rnd, StructLayout l) {
        StructValue.Builder v = l.valueBuilder();
        fill(rnd, l, "", v);
        return v.build();
    }

    private static void fill(Random rnd, StructLayout l, String prefix, StructValue.Builder v) {
        for (Field f : l.fields()) {
            String p = prefix + f.name();
            switch (f.kind()) {
                case SCALAR:
                    v.set(p, scalar(rnd, f.type()));
                    break;
                case ARRAY:
                    for (int i = 0; i < f.count(); i++) {
                        v.set(p + "[" + i + "]", scalar(rnd, f.type()));
                    }
                    break;
                case CHARS: {
                    StringBuilder s = new StringBuilder();
                    int len = rnd.nextInt(f.count() + 1);
                    for (int i = 0; i < len; i++) {
                        s.append((char) ('a' + rnd.nextInt(26)));
                    }
                    v.set(p, s.toString());
                    break;
                }
                case STRUCT:
                    fill(rnd, f.struct(), p + ".", v);
                    break;
                default:
                    for (int i = 0; i < f.count(); i++) {
                        fill(rnd, f.struct(), p + "[" + i + "].", v);
                    }
                    break;
            }
        }
    }

    /** A value of the type's range, biased to its edges. */
    static long scalar(Random rnd, ScalarType t) {
        long bits = rnd.nextLong();
        switch (rnd.nextInt(4)) {
            case 0: bits = 0; break;
            case 1: bits = -1; break;
            default: break;
        }
        int width = t.bytes() * 8;
        if (width == 64) {
            return bits;
        }
        long mask = (1L << width) - 1;
        long u = bits & mask;
        return t.signed() ? (u << (64 - width)) >> (64 - width) : u;
    }
}
