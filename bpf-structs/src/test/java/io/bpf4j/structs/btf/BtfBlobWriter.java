package io.bpf4j.structs.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes small BTF blobs for tests, record by record, following the layout of
 * {@code include/uapi/linux/btf.h} (the same layout {@link Btf} documents). Ids are handed out in
 * the order types are added, from {@code firstId}.
 */
final class BtfBlobWriter {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
    private final int stringBase;
    private final ByteOrder order;
    private int nextId;

    /** A base blob: ids from 1, strings from offset 0 (the empty string). */
    BtfBlobWriter() {
        this(1, 0, ByteOrder.LITTLE_ENDIAN);
    }

    /** A blob whose ids start at {@code firstId} and strings at {@code stringBase} (split BTF). */
    BtfBlobWriter(int firstId, int stringBase, ByteOrder order) {
        this.nextId = firstId;
        this.stringBase = stringBase;
        this.order = order;
        if (stringBase == 0) {
            strings.write(0);
            stringOffsets.put("", 0);
        }
    }

    int str(String s) {
        if (s.isEmpty() && stringBase > 0) {
            return 0;
        }
        Integer off = stringOffsets.get(s);
        if (off == null) {
            off = stringBase + strings.size();
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            strings.write(b, 0, b.length);
            strings.write(0);
            stringOffsets.put(s, off);
        }
        return off;
    }

    private void u32(long v) {
        ByteBuffer b = ByteBuffer.allocate(4).order(order).putInt((int) v);
        types.write(b.array(), 0, 4);
    }

    private int head(String name, BtfKind kind, int vlen, boolean kflag, int sizeOrType) {
        u32(str(name));
        u32((kflag ? 1L << 31 : 0) | ((long) kind.code() << 24) | vlen);
        u32(sizeOrType);
        return nextId++;
    }

    int integer(String name, int size, int encoding, int bits) {
        int id = head(name, BtfKind.INT, 0, false, size);
        u32((long) encoding << 24 | bits);
        return id;
    }

    int ptr(int type) {
        return head("", BtfKind.PTR, 0, false, type);
    }

    int array(int elem, int index, int n) {
        int id = head("", BtfKind.ARRAY, 0, false, 0);
        u32(elem);
        u32(index);
        u32(n);
        return id;
    }

    /** Members as (name, type, bitOffset, bitfieldSize) quadruples; kflag set if any bitfield. */
    int struct(String name, boolean union, int size, Object... members) {
        boolean kflag = false;
        for (int i = 3; i < members.length; i += 4) {
            kflag |= (Integer) members[i] != 0;
        }
        int id = head(name, union ? BtfKind.UNION : BtfKind.STRUCT, members.length / 4, kflag, size);
        for (int i = 0; i < members.length; i += 4) {
            u32(str((String) members[i]));
            u32((Integer) members[i + 1]);
            int bits = (Integer) members[i + 2];
            u32(kflag ? ((long) (Integer) members[i + 3] << 24) | bits : bits);
        }
        return id;
    }

    /** Enumerators as (name, value) pairs. */
    int enumeration(String name, int size, boolean signed, Object... values) {
        int id = head(name, BtfKind.ENUM, values.length / 2, signed, size);
        for (int i = 0; i < values.length; i += 2) {
            u32(str((String) values[i]));
            u32(((Number) values[i + 1]).intValue());
        }
        return id;
    }

    int enum64(String name, int size, boolean signed, Object... values) {
        int id = head(name, BtfKind.ENUM64, values.length / 2, signed, size);
        for (int i = 0; i < values.length; i += 2) {
            long v = ((Number) values[i + 1]).longValue();
            u32(str((String) values[i]));
            u32(v & 0xffffffffL);
            u32(v >>> 32);
        }
        return id;
    }

    int fwd(String name, boolean union) {
        return head(name, BtfKind.FWD, 0, union, 0);
    }

    int typedef(String name, int type) {
        return head(name, BtfKind.TYPEDEF, 0, false, type);
    }

    int qualifier(BtfKind kind, int type) {
        return head("", kind, 0, false, type);
    }

    int typeTag(String name, int type) {
        return head(name, BtfKind.TYPE_TAG, 0, false, type);
    }

    int func(String name, int proto, int linkage) {
        return head(name, BtfKind.FUNC, linkage, false, proto);
    }

    /** Parameters as (name, type) pairs. */
    int funcProto(int ret, Object... params) {
        int id = head("", BtfKind.FUNC_PROTO, params.length / 2, false, ret);
        for (int i = 0; i < params.length; i += 2) {
            u32(str((String) params[i]));
            u32((Integer) params[i + 1]);
        }
        return id;
    }

    int var(String name, int type, int linkage) {
        int id = head(name, BtfKind.VAR, 0, false, type);
        u32(linkage);
        return id;
    }

    /** Variables as (type, offset, size) triples. */
    int datasec(String name, int size, int... vars) {
        int id = head(name, BtfKind.DATASEC, vars.length / 3, false, size);
        for (int v : vars) {
            u32(v);
        }
        return id;
    }

    int floating(String name, int size) {
        return head(name, BtfKind.FLOAT, 0, false, size);
    }

    int declTag(String name, int type, int component) {
        int id = head(name, BtfKind.DECL_TAG, 0, false, type);
        u32(component);
        return id;
    }

    /** A raw record with any kind number (for malformed-input tests). */
    int raw(int nameOff, int info, int sizeOrType) {
        u32(nameOff);
        u32(info);
        u32(sizeOrType);
        return nextId++;
    }

    /** The blob: header, types, strings. */
    byte[] bytes() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(Btf.HEADER_SIZE + t.length + s.length).order(order);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(Btf.HEADER_SIZE);
        b.putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        b.put(t).put(s);
        return b.array();
    }
}
