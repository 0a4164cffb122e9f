package io.bpf4j.structs.tracepoint;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import java.util.List;

/**
 * Instructions that read a tracepoint program's context record (r1 at entry) by the offsets of
 * its {@link TracepointFormat}.
 *
 * <p>Copying {@code sched_process_exec}'s {@code __data_loc char[] filename} into a ring-buffer
 * record held in r7, at the record's offset 24, at most 256 bytes:
 * <pre>{@code
 * TracepointField filename = exec.field("filename");
 * b.append(TracepointReads.readDataLocString(filename, Reg.R6, Reg.R7, 24, 256));
 * // r3 = *(u32 *)(r6 +8); r3 &= 0xffff; r3 += r6;          data = ctx + (loc & 0xffff)
 * // r1 = r7; r1 += 24; r2 = 256; call bpf_probe_read_kernel_str
 * }</pre>
 * r0 then holds the bytes copied including the NUL (or a negative errno). Java side:
 * {@code DataLoc.cString(record, 24, 256)}.
 */
@EmitsInstructions
public final class TracepointReads {
    private TracepointReads() {
    }

    /**
     * Loads a plain field (1, 2, 4 or 8 bytes) from the context into {@code dst}, zero-extended:
     * {@code dst = *(uN *)(ctx + offset)}. Uses no other register.
     */
    public static List<Instruction> load(TracepointField field, Reg ctx, Reg dst) {
        Size size;
        switch (field.kind() == TracepointField.Kind.PLAIN || field.isDynamic() ? field.size() : -1) {
            case 1: size = Size.B; break;
            case 2: size = Size.H; break;
            case 4: size = Size.W; break;
            case 8: size = Size.DW; break;
            default:
                throw new IllegalArgumentException("field " + field.name() + " (" + field.declaration() + ", "
                        + field.size() + " bytes) does not fit a register load");
        }
        return Program.builder().ldx(size, dst, ctx, field.offset()).instructions();
    }

    /**
     * Copies a string field into memory at {@code buf + bufOffset}, at most {@code maxLen} bytes
     * including the NUL: a {@code __data_loc char[]} (or {@code __rel_loc}) field as
     * {@link #readDataLocString}, a fixed {@code char comm[16]} as {@link #readCharArray}.
     */
    public static List<Instruction> readString(TracepointField field, Reg ctx, Reg buf, int bufOffset, int maxLen) {
        return field.isDynamic() ? readDataLocString(field, ctx, buf, bufOffset, maxLen)
                : readCharArray(field, ctx, buf, bufOffset, maxLen);
    }

    /**
     * Copies a fixed {@code char name[n]} field (such as {@code sched_process_fork}'s
     * {@code char parent_comm[16]}) into memory at {@code buf + bufOffset}: at most
     * {@code min(n, maxLen)} bytes including the NUL, with {@code bpf_probe_read_kernel_str}, so the
     * copy always ends in a NUL. Clobbers r0..r5; r0 is the helper's result.
     *
     * <pre>{@code
     * // r3 = ctx; r3 += 8; r1 = r7; r1 += 24; r2 = 16; call bpf_probe_read_kernel_str
     * }</pre>
     *
     * @param buf register holding the destination: r6..r9 or r10 (the stack)
     */
    public static List<Instruction> readCharArray(TracepointField field, Reg ctx, Reg buf, int bufOffset, int maxLen) {
        if (field.isDynamic() || field.kind() != TracepointField.Kind.ARRAY || !field.isString() || field.size() <= 0) {
            throw new IllegalArgumentException("field " + field.name() + " (" + field.declaration()
                    + ") is not a fixed char array such as char comm[16]");
        }
        if (buf != Reg.R10 && buf.number() < 6) {
            throw new IllegalArgumentException("destination register " + buf
                    + " is clobbered by the setup of the helper call: expected r6..r9 or r10");
        }
        if (maxLen <= 0) {
            throw new IllegalArgumentException("maxLen " + maxLen + ": expected > 0");
        }
        if (ctx == Reg.R10) {
            throw new IllegalArgumentException("context register r10 is the frame pointer");
        }
        ProgramBuilder b = Program.builder();
        // r3 first: ctx may be r1 or r2, which the next lines overwrite.
        b.mov64(Reg.R3, ctx);
        b.add64(Reg.R3, field.offset());
        b.mov64(Reg.R1, buf);
        if (bufOffset != 0) {
            b.add64(Reg.R1, bufOffset);
        }
        b.mov64(Reg.R2, Math.min(maxLen, field.size()));
        b.call(Helper.PROBE_READ_KERNEL_STR);
        return b.instructions();
    }

    /**
     * Copies the string of a {@code __data_loc char[]} (or {@code __rel_loc}) field into memory at
     * {@code buf + bufOffset}, at most {@code maxLen} bytes including the NUL, with
     * {@code bpf_probe_read_kernel_str}. Clobbers r0..r5 ({@code ctx} may be r1: it is read
     * before the call). r0 is the helper's result: bytes copied including the NUL, or a negative
     * errno (the kernel then zeroes the {@code maxLen} bytes).
     *
     * @param ctx register holding the context pointer
     * @param buf register holding the destination: r6..r9 or r10 (the stack)
     */
    public static List<Instruction> readDataLocString(TracepointField field, Reg ctx, Reg buf, int bufOffset,
                                                      int maxLen) {
        if (!field.isDynamic()) {
            throw new IllegalArgumentException("field " + field.name() + " (" + field.declaration()
                    + ") is not __data_loc or __rel_loc");
        }
        if (buf != Reg.R10 && buf.number() < 6) {
            throw new IllegalArgumentException("destination register " + buf
                    + " is clobbered by the setup of the helper call: expected r6..r9 or r10");
        }
        if (maxLen <= 0) {
            throw new IllegalArgumentException("maxLen " + maxLen + ": expected > 0");
        }
        if (ctx == Reg.R10) {
            throw new IllegalArgumentException("context register r10 is the frame pointer");
        }
        ProgramBuilder b = Program.builder();
        // Source pointer in r3 = ctx + (loc & 0xffff) (+ field end for __rel_loc), the arithmetic a
        // C program's __get_str() compiles to; r2 is the scratch when ctx already lives in r3.
        Reg tmp = ctx == Reg.R3 ? Reg.R2 : Reg.R3;
        b.ldxw(tmp, ctx, field.offset());
        b.and64(tmp, 0xffff);
        if (field.kind() == TracepointField.Kind.REL_LOC) {
            b.add64(tmp, field.offset() + field.size());
        }
        if (tmp == Reg.R3) {
            b.add64(Reg.R3, ctx);
        } else {
            b.add64(Reg.R3, Reg.R2);
        }
        b.mov64(Reg.R1, buf);
        if (bufOffset != 0) {
            b.add64(Reg.R1, bufOffset);
        }
        b.mov64(Reg.R2, maxLen);
        b.call(Helper.PROBE_READ_KERNEL_STR);
        return b.instructions();
    }
}
