package io.bpf4j.syscall.internal;

import io.bpf4j.core.AssembledProgram;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Label;
import io.bpf4j.core.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The BTF, {@code bpf_func_info} and {@code bpf_line_info} for a program that carries source
 * positions (a compiler's line table): with them the verifier's log prints, before the
 * instructions of each line, {@code ; Probe.run(Probe.java:42) @ Probe.java:42}, as it prints C
 * lines for clang's programs.
 *
 * <pre>
 *  BTF: the types of {@link FuncInfoBtf} (INT long, FUNC_PROTO, one FUNC per subprogram), and
 *       strings "\0long\0func names…\0file names…\0line texts…"
 *  bpf_line_info (include/uapi/linux/bpf.h), 16 bytes:
 *    u32 insn_off (slots) | u32 file_name_off | u32 line_off | u32 line_col (line &lt;&lt; 10 | col)
 *  one record where the position changes, and one at each subprogram's first slot (the kernel
 *  wants them), offsets increasing, none inside an ld_imm64.
 * </pre>
 *
 * <pre>{@code
 * LineInfoBtf li = LineInfoBtf.of(assembled, ByteOrder.nativeOrder(), "probe");
 * int btfFd = kernel.btfLoad(direct(li.btf()), null, 0);   // then funcInfo() and lineInfo() with BPF_PROG_LOAD
 * }</pre>
 */
public final class LineInfoBtf {
    /** Size of one {@code struct bpf_line_info}. */
    public static final int LINE_INFO_REC_SIZE = 16;

    private static final int BTF_MAGIC = 0xeB9F;
    private static final int KIND_INT = 1;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;
    private static final int INT_SIGNED = 1;
    private static final int FIRST_FUNC_TYPE = 3;

    private final byte[] btf;
    private final byte[] funcInfo;
    private final int funcCount;
    private final byte[] lineInfo;
    private final int lineCount;

    private LineInfoBtf(byte[] btf, byte[] funcInfo, int funcCount, byte[] lineInfo, int lineCount) {
        this.btf = btf;
        this.funcInfo = funcInfo;
        this.funcCount = funcCount;
        this.lineInfo = lineInfo;
        this.lineCount = lineCount;
    }

    /** True if {@code assembled}'s program has positions to send. */
    public static boolean applies(AssembledProgram assembled) {
        return assembled.program().hasSourcePositions();
    }

    /**
     * @param assembled a program with source positions
     * @param order the bytecode's byte order
     * @param mainName the name of the function at slot 0
     */
    public static LineInfoBtf of(AssembledProgram assembled, ByteOrder order, String mainName) {
        List<Integer> starts = FuncInfoBtf.subprogramStarts(assembled.bytecode(), order);
        Strings strings = new Strings();
        strings.add("long");
        int[] funcNames = new int[starts.size()];
        for (int i = 0; i < starts.size(); i++) {
            funcNames[i] = strings.add(starts.get(i) == 0 ? identifier(mainName) : "sub_" + starts.get(i));
        }
        // Records: where the position changes, and at every function start.
        Set<Integer> mustHave = new TreeSet<>(starts);
        List<Instruction> insns = assembled.program().instructions();
        List<int[]> records = new ArrayList<>();
        SourcePosition last = null;
        SourcePosition any = null;
        int lastSlot = -1;
        for (int i = 0; i < insns.size(); i++) {
            if (insns.get(i) instanceof Label) {
                continue;
            }
            SourcePosition p = assembled.program().sourcePosition(i).orElse(null);
            if (p != null && any == null) {
                any = p;
            }
            int slot = assembled.slotOf()[i];
            SourcePosition at = p != null ? p : last;
            boolean start = mustHave.contains(slot);
            if (slot == lastSlot || (!start && (at == null || at.equals(last)))) {
                continue;
            }
            if (at == null) {
                at = firstPosition(assembled);
            }
            if (at == null) {
                continue;
            }
            String file = at.file() == null ? "unknown" : at.file();
            records.add(new int[] {slot, strings.add(file), strings.add(at.toString()), Math.max(at.line(), 0) << 10});
            last = at;
            lastSlot = slot;
        }
        return new LineInfoBtf(encodeBtf(funcNames, strings.bytes(), order), encodeFuncInfo(starts, order), starts.size(),
                encodeLines(records, order), records.size());
    }

    private static SourcePosition firstPosition(AssembledProgram assembled) {
        for (int i = 0; i < assembled.program().instructions().size(); i++) {
            SourcePosition p = assembled.program().sourcePosition(i).orElse(null);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String identifier(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : (name == null ? "" : name).toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' ? c : '_');
        }
        if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, "main");
        }
        return sb.toString();
    }

    /** The BTF blob for {@code BPF_BTF_LOAD}. */
    public byte[] btf() {
        return btf.clone();
    }

    /** The {@code bpf_func_info} records. */
    public byte[] funcInfo() {
        return funcInfo.clone();
    }

    /** Number of {@code bpf_func_info} records. */
    public int funcInfoCount() {
        return funcCount;
    }

    /** The {@code bpf_line_info} records. */
    public byte[] lineInfo() {
        return lineInfo.clone();
    }

    /** Number of {@code bpf_line_info} records. */
    public int lineInfoCount() {
        return lineCount;
    }

    /** A BTF string section, each string stored once. */
    private static final class Strings {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Map<String, Integer> offsets = new HashMap<>();

        Strings() {
            out.write(0);
        }

        int add(String s) {
            return offsets.computeIfAbsent(s, x -> {
                int off = out.size();
                byte[] b = x.getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                out.write(0);
                return off;
            });
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static byte[] encodeBtf(int[] funcNames, byte[] strings, ByteOrder order) {
        int typeLen = (12 + 4) + 12 + 12 * funcNames.length;
        ByteBuffer out = ByteBuffer.allocate(24 + typeLen + strings.length).order(order);
        out.putShort((short) BTF_MAGIC).put((byte) 1).put((byte) 0);
        out.putInt(24).putInt(0).putInt(typeLen).putInt(typeLen).putInt(strings.length);
        // type 1: INT long ("long" is the first string, at offset 1)
        out.putInt(1).putInt(KIND_INT << 24).putInt(8).putInt(INT_SIGNED << 24 | 64);
        // type 2: FUNC_PROTO returning long, no parameters
        out.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1);
        // types 3..: FUNC name -> type 2, static linkage
        for (int off : funcNames) {
            out.putInt(off).putInt(KIND_FUNC << 24).putInt(2);
        }
        out.put(strings);
        return out.array();
    }

    private static byte[] encodeFuncInfo(List<Integer> starts, ByteOrder order) {
        ByteBuffer out = ByteBuffer.allocate(FuncInfoBtf.FUNC_INFO_REC_SIZE * starts.size()).order(order);
        for (int i = 0; i < starts.size(); i++) {
            out.putInt(starts.get(i)).putInt(FIRST_FUNC_TYPE + i);
        }
        return out.array();
    }

    private static byte[] encodeLines(List<int[]> records, ByteOrder order) {
        ByteBuffer out = ByteBuffer.allocate(LINE_INFO_REC_SIZE * Math.max(records.size(), 1)).order(order);
        for (int[] r : records) {
            out.putInt(r[0]).putInt(r[1]).putInt(r[2]).putInt(r[3]);
        }
        return out.array();
    }
}
