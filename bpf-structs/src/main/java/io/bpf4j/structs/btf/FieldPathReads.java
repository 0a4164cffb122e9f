package io.bpf4j.structs.btf;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import java.util.List;

/**
 * Generates the {@code bpf_probe_read_kernel} chain that fetches a {@link FieldPath}'s value, as
 * a fragment to append to a {@link ProgramBuilder}. Each hop is one helper call reading into an
 * 8-byte stack slot; the next hop takes its pointer from that slot. A failed read makes the kernel
 * zero the destination, so a broken chain yields 0 instead of faulting, with no branches needed.
 *
 * <p>Registers: r0..r5 are clobbered (helper calls). The starting pointer register is read only
 * before the first call, so it may be any register. A destination buffer register must survive
 * calls: r6..r9, or r10 for the stack. Stack: the 8 bytes at {@code r10 + slot} ({@code slot}
 * negative, a multiple of 8) are scratch.
 *
 * <p>{@code current->real_parent->tgid} (the parent's pid), 14 instructions:
 * <pre>{@code
 * FieldPath ppid = Btf.kernel().path("task_struct.real_parent->tgid");
 * Program p = Program.builder()
 *         .append(FieldPathReads.readCurrentTask(ppid, Reg.R7, -8))   // r7 = current->real_parent->tgid
 *         .mov64(Reg.R0, 0).exit()
 *         .build();
 * // call bpf_get_current_task; r3 = r0; r3 += 1280; r1 = r10; r1 += -8; r2 = 8; call bpf_probe_read_kernel;
 * // r3 = *(u64 *)(r10 -8); r3 += 1268; r1 = r10; r1 += -8; r2 = 4; call bpf_probe_read_kernel;
 * // r7 = *(u32 *)(r10 -8)
 * }</pre>
 */
@EmitsInstructions
public final class FieldPathReads {
    private FieldPathReads() {
    }

    /**
     * Reads the value at {@code path} from the struct {@code ptr} points at into register {@code dst}
     * (zero-extended; the value must be 1, 2, 4 or 8 bytes).
     */
    public static List<Instruction> read(FieldPath path, Reg ptr, Reg dst, int slot) {
        Size size = registerSize(path);
        checkSlot(slot);
        checkDst(dst);
        ProgramBuilder b = Program.builder();
        chain(b, path, ptr, slot, Reg.R10, slot);
        b.ldx(size, dst, Reg.R10, slot);
        return b.instructions();
    }

    /**
     * {@link #read} starting from {@code bpf_get_current_task()}; the path's root must be
     * {@code task_struct}.
     */
    public static List<Instruction> readCurrentTask(FieldPath path, Reg dst, int slot) {
        checkTaskRoot(path);
        ProgramBuilder b = Program.builder().call(Helper.GET_CURRENT_TASK);
        return b.append(read(path, Reg.R0, dst, slot)).instructions();
    }

    /**
     * Reads the value at {@code path} (any size, e.g. a {@code char[16]}) straight into memory at
     * {@code buf + bufOffset}, e.g. a field of a reserved ring-buffer record.
     *
     * @param buf register holding the destination pointer: r6..r9 (kept across calls) or r10
     */
    public static List<Instruction> readInto(FieldPath path, Reg ptr, Reg buf, int bufOffset, int slot) {
        checkSlot(slot);
        if (buf != Reg.R10 && buf.number() < 6) {
            throw new IllegalArgumentException("destination register " + buf
                    + " is clobbered by helper calls: expected r6..r9 or r10");
        }
        ProgramBuilder b = Program.builder();
        chain(b, path, ptr, slot, buf, bufOffset);
        return b.instructions();
    }

    /** {@link #readInto} starting from {@code bpf_get_current_task()}. */
    public static List<Instruction> readCurrentTaskInto(FieldPath path, Reg buf, int bufOffset, int slot) {
        checkTaskRoot(path);
        ProgramBuilder b = Program.builder().call(Helper.GET_CURRENT_TASK);
        return b.append(readInto(path, Reg.R0, buf, bufOffset, slot)).instructions();
    }

    /** Every hop: pointer hops into the stack slot, the last into {@code (dstBase + dstOffset)}. */
    private static void chain(ProgramBuilder b, FieldPath path, Reg ptr, int slot, Reg dstBase, int dstOffset) {
        List<FieldPath.Hop> hops = path.hops();
        for (int i = 0; i < hops.size(); i++) {
            FieldPath.Hop hop = hops.get(i);
            boolean last = i == hops.size() - 1;
            // r3 first: the starting pointer may live in r1 or r2.
            if (i == 0) {
                if (ptr != Reg.R3) {
                    b.mov64(Reg.R3, ptr);
                }
            } else {
                b.ldxdw(Reg.R3, Reg.R10, slot);
            }
            if (hop.offset() != 0) {
                b.add64(Reg.R3, imm(hop.offset(), path));
            }
            b.mov64(Reg.R1, last ? dstBase : Reg.R10);
            int off = last ? dstOffset : slot;
            if (off != 0) {
                b.add64(Reg.R1, off);
            }
            b.mov64(Reg.R2, hop.size());
            b.call(Helper.PROBE_READ_KERNEL);
        }
    }

    private static int imm(long offset, FieldPath path) {
        if (offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field path '" + path.expression() + "': offset " + offset
                    + " does not fit an immediate");
        }
        return (int) offset;
    }

    private static Size registerSize(FieldPath path) {
        switch (path.size()) {
            case 1: return Size.B;
            case 2: return Size.H;
            case 4: return Size.W;
            case 8: return Size.DW;
            default:
                throw new IllegalArgumentException("field path '" + path.expression() + "' is " + path.size()
                        + " bytes (" + path.typeName() + "): a register holds 1, 2, 4 or 8; use readInto");
        }
    }

    private static void checkSlot(int slot) {
        if (slot >= 0 || slot < -512 || (slot & 7) != 0) {
            throw new IllegalArgumentException("stack slot " + slot + ": expected a multiple of 8 in -512..-8");
        }
    }

    private static void checkDst(Reg dst) {
        if (dst == Reg.R10) {
            throw new IllegalArgumentException("destination r10 is the read-only frame pointer");
        }
    }

    private static void checkTaskRoot(FieldPath path) {
        if (!path.root().equals("task_struct")) {
            throw new IllegalArgumentException("field path '" + path.expression()
                    + "' starts at " + path.root() + ": bpf_get_current_task returns a struct task_struct *");
        }
    }
}
