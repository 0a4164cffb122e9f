package io.bpf4j.kprobe;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.CallInsn;
import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.ExitInsn;
import io.bpf4j.core.Fragments;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.JumpInsn;
import io.bpf4j.core.JumpOp;
import io.bpf4j.core.Reg;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.btf.FieldPathReads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fragments probe bodies commonly need: copy a string or a block an argument points to into a
 * buffer (stack, ring-buffer record or map value), and leave early unless the current task is the
 * one of interest. Every fragment here calls a helper, so it clobbers r0..r5; keep values that
 * must survive in r6..r9.
 *
 * <pre>{@code
 * ProbeProgram p = SyscallProbe.entry("execve").args(Reg.R7)         // filename, a user pointer
 *         .body(b -> b
 *                 .append(ProbeHelpers.onlyTgid(4242))                // other processes: return 0
 *                 .append(ProbeHelpers.readString(Memory.USER, Reg.R10, -256, 256, Reg.R7))
 *                 .mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 */
@EmitsInstructions
public final class ProbeHelpers {
    private ProbeHelpers() {
    }

    /**
     * {@code r0 = bpf_probe_read_{user,kernel}_str(dst + dstOff, size, src)}: copies the
     * NUL-terminated string at {@code src} (at most {@code size} bytes, NUL included) to
     * {@code dst + dstOff}. r0 is the length copied, NUL included, or a negative errno. The
     * {@link Fragments#probeRead(Helper, Reg, int, int, Reg, int) Fragments.probeRead} of
     * {@code memory}'s string helper: arguments in the helper's order (destination, size, source),
     * any registers.
     *
     * @param dst base of the buffer: r10 for the stack, or a register holding a record pointer
     */
    public static List<Instruction> readString(Memory memory, Reg dst, int dstOff, int size, Reg src) {
        return Fragments.probeRead(known(memory).readStringHelper(), dst, dstOff, size, src, 0);
    }

    /**
     * {@code r0 = bpf_probe_read_{user,kernel}(dst + dstOff, size, src + srcOff)}: copies
     * {@code size} bytes (a struct, a field, an array) into the buffer. r0 is 0 or a negative
     * errno; on failure the buffer is zeroed. The
     * {@link Fragments#probeRead(Helper, Reg, int, int, Reg, int) Fragments.probeRead} of
     * {@code memory}'s helper, same arguments in the same order:
     * {@code read(Memory.USER, dst, 0, size, src, 0)} is {@code Fragments.probeReadUser(dst, size, src)}.
     */
    public static List<Instruction> read(Memory memory, Reg dst, int dstOff, int size, Reg src, int srcOff) {
        return Fragments.probeRead(known(memory).readHelper(), dst, dstOff, size, src, srcOff);
    }

    private static Memory known(Memory memory) {
        if (memory == null) {
            throw new IllegalArgumentException("memory missing: USER or KERNEL");
        }
        return memory;
    }

    /** Returns 0 from the program unless the current thread group (the process id) is {@code tgid}. */
    public static List<Instruction> onlyTgid(int tgid) {
        return unless(Helper.GET_CURRENT_PID_TGID, true, JumpOp.JEQ, tgid);
    }

    /** Returns 0 from the program when the current thread group is {@code tgid} (a tracer ignoring itself). */
    public static List<Instruction> skipTgid(int tgid) {
        return unless(Helper.GET_CURRENT_PID_TGID, true, JumpOp.JNE, tgid);
    }

    /** Returns 0 from the program unless the current thread's id (the kernel's pid) is {@code pid}. */
    public static List<Instruction> onlyPid(int pid) {
        return unless(Helper.GET_CURRENT_PID_TGID, false, JumpOp.JEQ, pid);
    }

    /** Returns 0 from the program unless the current task's uid is {@code uid}. */
    public static List<Instruction> onlyUid(int uid) {
        return unless(Helper.GET_CURRENT_UID_GID, false, JumpOp.JEQ, uid);
    }

    /**
     * {@code r0 = helper(); [r0 >>= 32]; if w0 op value goto +2; r0 = 0; exit}: the jump skips the
     * early return, so the fragment needs no label and can appear several times in a program.
     */
    private static List<Instruction> unless(Helper helper, boolean upper, JumpOp keepIf, int value) {
        List<Instruction> out = new ArrayList<>(5);
        out.add(CallInsn.helper(helper));
        if (upper) {
            out.add(new AluInsn(AluOp.RSH, true, Reg.R0, null, 32));
        }
        out.add(new JumpInsn(keepIf, true, Reg.R0, null, value, 2, null));
        out.add(new AluInsn(AluOp.MOV, true, Reg.R0, null, 0));
        out.add(new ExitInsn());
        return Collections.unmodifiableList(out);
    }

    /**
     * {@code dst = ptr->path} for a BTF field path rooted at the struct {@code ptr} points to,
     * following pointers with {@code bpf_probe_read_kernel} (one call per hop; a broken chain reads
     * as 0). {@code path} is an expression such as {@code "task_struct.real_parent->tgid"}; offsets
     * are the running kernel's, as {@code btf} describes it. Uses the 8 stack bytes at
     * {@code r10 + slot} as scratch.
     */
    public static List<Instruction> readKernelField(Btf btf, String path, Reg ptr, Reg dst, int slot) {
        return FieldPathReads.read(btf.path(path), ptr, dst, slot);
    }

    /**
     * {@code dst = current->path}: {@link #readKernelField} starting from
     * {@code bpf_get_current_task()}; {@code path} is rooted at {@code task_struct}
     * ({@code "task_struct.real_parent->tgid"} is the parent's process id, the lab's ppid).
     */
    public static List<Instruction> readCurrentTaskField(Btf btf, String path, Reg dst, int slot) {
        return FieldPathReads.readCurrentTask(btf.path(path), dst, slot);
    }
}
