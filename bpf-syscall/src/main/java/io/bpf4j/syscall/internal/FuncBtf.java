package io.bpf4j.syscall.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The smallest BTF a program with subprograms needs: the kernel refuses {@code bpf_loop}-style
 * callbacks ({@code ld_imm64} of a function) and checks bpf-to-bpf calls against
 * {@code func_info}, which names a BTF {@code FUNC} type for the first instruction of every
 * subprogram. This builds one {@code int} type, one {@code FUNC_PROTO} returning it, and one
 * static {@code FUNC} per subprogram, plus the matching {@code bpf_func_info} records.
 *
 * <pre>
 * btf_header (24): magic 0xeb9f u16 | version 1 u8 | flags 0 u8 | hdr_len 24 u32
 *                  | type_off u32 | type_len u32 | str_off u32 | str_len u32
 * btf_type (12):   name_off u32 | info u32 (vlen bits 0-15, kind bits 24-28) | size/type u32
 *   INT  (kind 1)  + u32: encoding bits 24-27 (1 = signed) | offset bits 16-23 | bits 0-7
 *   FUNC (kind 12) type = proto id, vlen = linkage (0 static)
 *   FUNC_PROTO (kind 13) type = return type, vlen params follow
 * bpf_func_info (8): insn_off u32 | type_id u32
 * </pre>
 * Source: {@code include/uapi/linux/btf.h}, {@code include/uapi/linux/bpf.h}.
 */
public final class FuncBtf {
    private static final int KIND_INT = 1, KIND_FUNC = 12, KIND_FUNC_PROTO = 13;

    /**
     * The BTF blob and func_info records for these subprogram starts.
     *
     * @param btf raw BTF (direct buffer, native order)
     * @param funcInfo one record per subprogram (direct buffer)
     * @param count number of records
     */
    public record Result(ByteBuffer btf, ByteBuffer funcInfo, int count) {
    }

    private FuncBtf() {
    }

    /**
     * The slots where subprograms start: 0 and every target of a bpf-to-bpf call
     * ({@code call} with src 1) or of a function pointer load ({@code ld_imm64} with src 4).
     * Returns just {0} for a program without subprograms.
     */
    public static int[] subprogramStarts(byte[] code, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(code).order(order);
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        int n = code.length / 8;
        for (int i = 0; i < n; i++) {
            int op = code[i * 8] & 0xff;
            int regs = code[i * 8 + 1] & 0xff;
            int src = order == ByteOrder.LITTLE_ENDIAN ? regs >> 4 : regs & 0xf;
            int imm = b.getInt(i * 8 + 4);
            if (op == 0x85 && src == 1) {
                starts.add(i + imm + 1);
            } else if (op == 0x18 && src == 4) {
                starts.add(i + imm + 1);
            }
            if (op == 0x18) {
                i++; // the second half of ld_imm64
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Builds the BTF and func_info for subprograms starting at {@code starts}, named {@code prefix}0, 1, …. */
    public static Result build(int[] starts, String prefix) {
        ByteOrder order = ByteOrder.nativeOrder();
        List<byte[]> strings = new ArrayList<>();
        int[] stringOff = new int[starts.length + 1];
        int off = 1; // the string section starts with the empty string
        strings.add("int".getBytes(StandardCharsets.US_ASCII));
        stringOff[0] = off;
        off += 4;
        for (int i = 0; i < starts.length; i++) {
            byte[] name = (prefix + i).getBytes(StandardCharsets.US_ASCII);
            strings.add(name);
            stringOff[i + 1] = off;
            off += name.length + 1;
        }
        int strLen = off;
        // Types: 1 = int, 2 = int (void) proto, 3.. = one FUNC per subprogram.
        int typeLen = 16 + 12 + 12 * starts.length;
        ByteBuffer btf = ByteBuffer.allocateDirect(24 + typeLen + strLen).order(order);
        btf.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(typeLen).putInt(typeLen)
                .putInt(strLen);
        btf.putInt(stringOff[0]).putInt(KIND_INT << 24).putInt(4).putInt((1 << 24) | 32);
        btf.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1);
        for (int i = 0; i < starts.length; i++) {
            btf.putInt(stringOff[i + 1]).putInt(KIND_FUNC << 24).putInt(2);
        }
        btf.put((byte) 0);
        for (byte[] s : strings) {
            btf.put(s).put((byte) 0);
        }
        btf.flip();
        ByteBuffer info = ByteBuffer.allocateDirect(8 * starts.length).order(order);
        for (int i = 0; i < starts.length; i++) {
            info.putInt(starts[i]).putInt(3 + i);
        }
        info.flip();
        return new Result(btf, info, starts.length);
    }
}
