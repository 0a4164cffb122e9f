package io.bpf4j.structs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a layout as C for {@code <linux/types.h>}: nested struct definitions first, each field
 * with its offset as a comment, explicit padding arrays where the layout has gaps C would not
 * make by itself (explicit offsets, {@code pad}, an explicit size).
 */
final class CRenderer {
    private CRenderer() {
    }

    static String render(StructLayout root) {
        Map<String, StructLayout> ordered = new LinkedHashMap<>();
        collect(root, ordered);
        StringBuilder sb = new StringBuilder();
        for (StructLayout l : ordered.values()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            renderOne(l, sb);
        }
        return sb.toString();
    }

    /** Post-order: a struct's nested types before it; one definition per C tag. */
    private static void collect(StructLayout l, Map<String, StructLayout> out) {
        for (Field f : l.fields()) {
            if (f.struct() != null) {
                collect(f.struct(), out);
            }
        }
        StructLayout prior = out.get(l.cName());
        if (prior == null) {
            out.put(l.cName(), l);
        } else if (!prior.equals(l)) {
            throw new IllegalArgumentException("two different structs are both named struct " + l.cName()
                    + " in C (" + prior + " and " + l + "): give one another cName");
        }
    }

    private static void renderOne(StructLayout l, StringBuilder sb) {
        sb.append("struct ").append(l.cName()).append(" {\n");
        int cur = 0;
        for (Field f : l.fields()) {
            int natural = align(cur, l.packed() ? 1 : naturalAlign(f));
            if (f.offset() != natural) {
                pad(sb, cur, f.offset() - cur);
            }
            String decl = f.cDeclaration() + ";";
            sb.append("    ").append(decl);
            sb.append(" ".repeat(Math.max(1, 32 - decl.length())));
            sb.append("/* offset ").append(f.offset()).append(", size ").append(f.size()).append(" */\n");
            cur = f.offset() + f.size();
        }
        if (l.size() != align(cur, l.alignment())) {
            pad(sb, cur, l.size() - cur);
        }
        sb.append('}');
        if (l.packed()) {
            sb.append(" __attribute__((packed))");
        }
        sb.append(";  /* size ").append(l.size()).append(" */\n");
    }

    private static void pad(StringBuilder sb, int at, int bytes) {
        String decl = "__u8 __pad" + at + "[" + bytes + "];";
        sb.append("    ").append(decl).append(" ".repeat(Math.max(1, 32 - decl.length())))
                .append("/* offset ").append(at).append(", padding */\n");
    }

    private static int naturalAlign(Field f) {
        return f.type() != null ? f.type().bytes() : f.struct().alignment();
    }

    private static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }
}
