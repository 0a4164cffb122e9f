package io.bpf4j.structs.btf;

import java.util.ArrayList;
import java.util.List;

/** Parses and resolves field path expressions ({@code task_struct.real_parent->tgid}). */
final class FieldPaths {
    private FieldPaths() {
    }

    static FieldPath resolve(Btf btf, String expression) {
        if (expression == null) {
            throw new IllegalArgumentException("field path is null");
        }
        String s = expression.trim();
        int i = 0;
        if (s.startsWith("struct ")) {
            i = 7;
        } else if (s.startsWith("union ")) {
            i = 6;
        }
        int rootEnd = identEnd(s, i);
        if (rootEnd == i) {
            throw syntax(expression, i, "a struct name");
        }
        String root = s.substring(i, rootEnd);
        int rootId = btf.structId(s.substring(0, rootEnd));
        i = rootEnd;

        List<FieldPath.Hop> hops = new ArrayList<>();
        int cur = rootId;      // type of the object at (pointer + offset)
        long offset = 0;
        boolean first = true;
        StringBuilder text = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '[') {
                int close = s.indexOf(']', i);
                long n;
                try {
                    n = close < 0 ? -1 : Long.parseLong(s.substring(i + 1, close).trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0) {
                    throw syntax(expression, i, "an index [n] with n >= 0");
                }
                int arr = btf.resolveId(cur);
                BtfType t = btf.type(arr);
                if (!(t instanceof BtfType.ArrayType)) {
                    throw new IllegalArgumentException("field path '" + expression + "': '" + text + "' is "
                            + btf.typeName(cur) + ", not an array: cannot index it");
                }
                BtfType.ArrayType a = (BtfType.ArrayType) t;
                if (n >= (a.length() & 0xffffffffL)) {
                    throw new IllegalArgumentException("field path '" + expression + "': index " + n
                            + " out of bounds for " + btf.typeName(cur));
                }
                offset += n * btf.sizeOf(a.elementType());
                cur = a.elementType();
                text.append(s, i, close + 1);
                i = close + 1;
                continue;
            }
            boolean arrow;
            if (c == '.') {
                arrow = false;
                i++;
            } else if (s.startsWith("->", i)) {
                arrow = true;
                i += 2;
            } else {
                throw syntax(expression, i, "'.', '->' or '['");
            }
            if (arrow && !first) {
                int ptr = btf.resolveId(cur);
                BtfType t = btf.type(ptr);
                if (!(t instanceof BtfType.PtrType)) {
                    throw new IllegalArgumentException("field path '" + expression + "': '" + text + "' is "
                            + btf.typeName(cur) + ", not a pointer: use '.' instead of '->'");
                }
                hops.add(new FieldPath.Hop(offset, 8, cur, text.toString()));
                text.setLength(0);
                cur = ((BtfType.PtrType) t).type();
                offset = 0;
            }
            int end = identEnd(s, i);
            if (end == i) {
                throw syntax(expression, i, "a member name");
            }
            String name = s.substring(i, end);
            int sid = btf.resolveId(cur);
            int k = btf.kindCode(sid);
            if (k != BtfKind.STRUCT.code() && k != BtfKind.UNION.code()) {
                throw new IllegalArgumentException("field path '" + expression + "': cannot take member '" + name
                        + "' of " + btf.typeName(cur) + (k == BtfKind.FWD.code() ? " (only declared in this BTF)" : ""));
            }
            BtfType.Member m = btf.memberOf(sid, name, expression);
            if (m.isBitfield() || (m.bitOffset() & 7) != 0) {
                throw new IllegalArgumentException("field path '" + expression + "': '" + name
                        + "' is a bitfield; read the bytes that hold it and mask");
            }
            offset += m.offset();
            cur = m.type();
            if (text.length() > 0) {
                text.append('.');
            }
            text.append(name);
            first = false;
            i = end;
        }
        if (first) {
            throw syntax(expression, i, "at least one member after the struct name");
        }
        long size = btf.sizeOf(cur);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field path '" + expression + "': value of " + size + " bytes");
        }
        hops.add(new FieldPath.Hop(offset, (int) size, cur, text.toString()));
        return new FieldPath(expression, root, hops, cur, btf.typeName(cur));
    }

    private static int identEnd(String s, int i) {
        int j = i;
        while (j < s.length()) {
            char c = s.charAt(j);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (j > i && c >= '0' && c <= '9');
            if (!ok) {
                break;
            }
            j++;
        }
        return j;
    }

    private static IllegalArgumentException syntax(String expression, int at, String expected) {
        return new IllegalArgumentException("field path '" + expression + "' at character " + at + ": expected "
                + expected);
    }
}
