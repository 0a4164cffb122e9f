package io.bpf4j.syscall.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code FUNC} types of a kernel's BTF ({@code /sys/kernel/btf/vmlinux}) by name: their type
 * ids (the {@code attach_btf_id} of fentry, fexit and LSM programs) and parameter names. A small
 * scan of the type section that knows only how long each kind's record is; bpf-structs holds the
 * full BTF model, which bpf-syscall does not depend on.
 *
 * <p>Record sizes from {@code include/uapi/linux/btf.h} (Linux 6.1, plus ENUM64 from 6.0): a
 * 12-byte {@code btf_type}, then INT +4, ARRAY +12, STRUCT/UNION +12 per member, ENUM +8 per
 * value, FUNC_PROTO +8 per parameter, VAR +4, DATASEC +12 per variable, DECL_TAG +4, ENUM64 +12
 * per value; the other kinds add nothing.
 */
public final class VmlinuxFunctions {
    private static final int MAGIC = 0xeb9f;
    private static final int KIND_FUNC = 12, KIND_FUNC_PROTO = 13;

    /**
     * A kernel function in BTF.
     *
     * @param btfId its {@code FUNC} type id
     * @param params the names of its parameters, in order
     */
    public record Function(int btfId, List<String> params) {
    }

    private final Map<String, Function> byName;

    private VmlinuxFunctions(Map<String, Function> byName) {
        this.byName = byName;
    }

    /** The function {@code name}, or null when BTF has no such function. */
    public Function find(String name) {
        return byName.get(name);
    }

    /** Number of functions found. */
    public int size() {
        return byName.size();
    }

    /**
     * Scans raw BTF.
     *
     * @throws IllegalArgumentException when the bytes are not BTF or a record runs past the type section
     */
    public static VmlinuxFunctions parse(byte[] btf) {
        ByteBuffer b = ByteBuffer.wrap(btf).order(ByteOrder.LITTLE_ENDIAN);
        if (btf.length < 24) {
            throw new IllegalArgumentException("BTF of " + btf.length + " bytes: too short for a header");
        }
        if ((b.getShort(0) & 0xffff) != MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
            if ((b.getShort(0) & 0xffff) != MAGIC) {
                throw new IllegalArgumentException(String.format("not BTF: magic 0x%04x, expected 0xeb9f", b.getShort(0) & 0xffff));
            }
        }
        long hdrLen = b.getInt(4) & 0xffffffffL;
        long typeOff = hdrLen + (b.getInt(8) & 0xffffffffL);
        long typeEnd = typeOff + (b.getInt(12) & 0xffffffffL);
        long strOff = hdrLen + (b.getInt(16) & 0xffffffffL);
        long strEnd = strOff + (b.getInt(20) & 0xffffffffL);
        if (typeEnd > btf.length || strEnd > btf.length) {
            throw new IllegalArgumentException("BTF sections end at " + Math.max(typeEnd, strEnd) + ", past the "
                    + btf.length + " bytes given");
        }
        // Pass 1: every type's offset, so a FUNC can find its FUNC_PROTO.
        List<Integer> offsets = new ArrayList<>();
        offsets.add(-1);   // type id 0 is void
        long p = typeOff;
        while (p < typeEnd) {
            if (p + 12 > typeEnd) {
                throw new IllegalArgumentException("BTF type " + offsets.size() + " at " + p + " runs past the type section");
            }
            offsets.add((int) p);
            int info = b.getInt((int) p + 4);
            p += 12 + extra((info >>> 24) & 0x1f, info & 0xffff, offsets.size() - 1);
        }
        Map<String, Function> byName = new HashMap<>();
        for (int id = 1; id < offsets.size(); id++) {
            int at = offsets.get(id);
            int info = b.getInt(at + 4);
            if (((info >>> 24) & 0x1f) != KIND_FUNC) {
                continue;
            }
            String name = string(b, strOff, strEnd, b.getInt(at));
            int proto = b.getInt(at + 8);
            List<String> params = new ArrayList<>();
            if (proto > 0 && proto < offsets.size()) {
                int pa = offsets.get(proto);
                int pinfo = b.getInt(pa + 4);
                if (((pinfo >>> 24) & 0x1f) == KIND_FUNC_PROTO) {
                    for (int i = 0; i < (pinfo & 0xffff); i++) {
                        params.add(string(b, strOff, strEnd, b.getInt(pa + 12 + 8 * i)));
                    }
                }
            }
            byName.putIfAbsent(name, new Function(id, List.copyOf(params)));
        }
        return new VmlinuxFunctions(byName);
    }

    private static int extra(int kind, int vlen, int id) {
        switch (kind) {
            case 1: case 14: case 17:          // INT, VAR, DECL_TAG
                return 4;
            case 3:                            // ARRAY
                return 12;
            case 4: case 5: case 15: case 19:  // STRUCT, UNION, DATASEC, ENUM64
                return 12 * vlen;
            case 6: case 13:                   // ENUM, FUNC_PROTO
                return 8 * vlen;
            case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18:
                return 0;
            default:
                throw new IllegalArgumentException("BTF type " + id + " has kind " + kind + ", unknown to bpf4j (kinds 1..19)");
        }
    }

    private static String string(ByteBuffer b, long strOff, long strEnd, int off) {
        int start = (int) (strOff + off);
        int end = start;
        while (end < strEnd && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
