package io.bpf4j.syscall.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The smallest BTF that lets the verifier accept a program with several functions: one
 * {@code FUNC} per subprogram and the matching {@code bpf_func_info} records. The kernel refuses
 * bpf-to-bpf calls into callbacks ({@code bpf_loop}, {@code bpf_for_each_map_elem}, timers) with
 * "missing btf func_info" unless the load carries these; clang emits them from C, we derive them
 * from the bytecode.
 *
 * <pre>
 *  BTF blob (include/uapi/linux/btf.h), host byte order:
 *  +-------------------------------------------------------------+
 *  | header: magic 0xeB9F u16, version 1 u8, flags 0 u8,         |
 *  |         hdr_len 24, type_off 0, type_len, str_off, str_len  |
 *  +-------------------------------------------------------------+
 *  | type 1: INT "long" size 8, signed 64 bits                   |
 *  | type 2: FUNC_PROTO returning type 1, no parameters          |
 *  | type 3..: FUNC "name" → type 2, linkage static (0)          |
 *  +-------------------------------------------------------------+
 *  | strings: "\0long\0name1\0name2…"                            |
 *  +-------------------------------------------------------------+
 *  func_info record: { u32 insn_off (slots); u32 type_id (3+i) }
 * </pre>
 *
 * Static linkage keeps the verifier from checking argument types: static subprograms are verified
 * with the registers their callers actually pass.
 *
 * <pre>{@code
 * FuncInfoBtf info = FuncInfoBtf.forBytecode(bytecode, ByteOrder.nativeOrder(), "producer", labels);
 * if (info.needed()) { int btfFd = kernel.btfLoad(direct(info.btf()), null, 0); ... info.funcInfo() ... }
 * }</pre>
 */
public final class FuncInfoBtf {
    /** Size of one {@code struct bpf_func_info}. */
    public static final int FUNC_INFO_REC_SIZE = 8;

    private static final int BTF_MAGIC = 0xeB9F;
    private static final int KIND_INT = 1;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;
    private static final int INT_SIGNED = 1;
    private static final int FIRST_FUNC_TYPE = 3;

    private final List<Integer> starts;
    private final byte[] btf;
    private final byte[] funcInfo;

    private FuncInfoBtf(List<Integer> starts, byte[] btf, byte[] funcInfo) {
        this.starts = starts;
        this.btf = btf;
        this.funcInfo = funcInfo;
    }

    /**
     * Finds the subprograms of {@code bytecode} (slot 0 and every target of a bpf-to-bpf call or of
     * an {@code ld_imm64} function reference) and builds their BTF.
     *
     * @param bytecode the assembled program
     * @param order its byte order
     * @param mainName name for the function at slot 0
     * @param labelSlots label names by slot, used to name subprograms ({@code sub_<slot>} otherwise)
     */
    public static FuncInfoBtf forBytecode(byte[] bytecode, ByteOrder order, String mainName,
                                          Map<String, Integer> labelSlots) {
        List<Integer> starts = subprogramStarts(bytecode, order);
        List<String> names = new ArrayList<>(starts.size());
        for (int start : starts) {
            names.add(start == 0 ? identifier(mainName, "main") : nameAt(start, labelSlots));
        }
        return new FuncInfoBtf(starts, encodeBtf(names, order), encodeFuncInfo(starts, order));
    }

    /** Slots at which a function starts, in increasing order; always contains 0. */
    static List<Integer> subprogramStarts(byte[] bytecode, ByteOrder order) {
        ByteBuffer bb = ByteBuffer.wrap(bytecode).order(order);
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        int slots = bytecode.length / 8;
        for (int slot = 0; slot < slots; slot++) {
            int base = slot * 8;
            int opcode = bb.get(base) & 0xff;
            int regs = bb.get(base + 1) & 0xff;
            int src = order == ByteOrder.LITTLE_ENDIAN ? regs >>> 4 : regs & 0x0f;
            int imm = bb.getInt(base + 4);
            boolean localCall = opcode == 0x85 && src == 1;
            boolean funcRef = opcode == 0x18 && src == 4;
            if ((localCall || funcRef) && slot + 1 + imm >= 0 && slot + 1 + imm < slots) {
                starts.add(slot + 1 + imm);
            }
            if (opcode == 0x18) {
                slot++;
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(starts));
    }

    /** True when the program has more than one function and so needs this BTF to load. */
    public boolean needed() {
        return starts.size() > 1;
    }

    /** Function start slots. */
    public List<Integer> starts() {
        return starts;
    }

    /** The BTF blob for {@code BPF_BTF_LOAD}. */
    public byte[] btf() {
        return btf.clone();
    }

    /** The {@code bpf_func_info} array for {@code BPF_PROG_LOAD}. */
    public byte[] funcInfo() {
        return funcInfo.clone();
    }

    /** Number of {@code bpf_func_info} records. */
    public int funcInfoCount() {
        return starts.size();
    }

    private static String nameAt(int slot, Map<String, Integer> labelSlots) {
        String best = null;
        for (Map.Entry<String, Integer> e : labelSlots.entrySet()) {
            if (e.getValue() == slot && (best == null || e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
            }
        }
        return identifier(best, "sub_" + slot);
    }

    /** BTF names must be C identifiers; anything else falls back. */
    private static String identifier(String name, String fallback) {
        if (name == null || name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return fallback;
        }
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return sb.toString();
    }

    private static byte[] encodeBtf(List<String> names, ByteOrder order) {
        ByteBuffer strings = ByteBuffer.allocate(64 + names.stream().mapToInt(n -> n.length() + 1).sum());
        strings.put((byte) 0);
        int longName = strings.position();
        strings.put("long".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        int[] nameOff = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            nameOff[i] = strings.position();
            strings.put(names.get(i).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        }
        int strLen = strings.position();

        int typeLen = (12 + 4) + 12 + 12 * names.size();
        ByteBuffer out = ByteBuffer.allocate(24 + typeLen + strLen).order(order);
        out.putShort((short) BTF_MAGIC).put((byte) 1).put((byte) 0);
        out.putInt(24).putInt(0).putInt(typeLen).putInt(typeLen).putInt(strLen);
        // type 1: INT long, 8 bytes, signed, 64 bits
        out.putInt(longName).putInt(KIND_INT << 24).putInt(8).putInt(INT_SIGNED << 24 | 64);
        // type 2: FUNC_PROTO long (void), no parameters
        out.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1);
        // types 3..: FUNC name -> type 2, static linkage (vlen 0)
        for (int off : nameOff) {
            out.putInt(off).putInt(KIND_FUNC << 24).putInt(2);
        }
        out.put(strings.array(), 0, strLen);
        return out.array();
    }

    private static byte[] encodeFuncInfo(List<Integer> starts, ByteOrder order) {
        ByteBuffer out = ByteBuffer.allocate(FUNC_INFO_REC_SIZE * starts.size()).order(order);
        for (int i = 0; i < starts.size(); i++) {
            out.putInt(starts.get(i)).putInt(FIRST_FUNC_TYPE + i);
        }
        return out.array();
    }
}
