package io.bpf4j.kprobe;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.CallInsn;
import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab's {@code kprobe-prologue}: the first instructions of a kprobe, kretprobe, uprobe or
 * uretprobe program. On entry r1 holds the {@code struct pt_regs *} of the probed function; the
 * prologue saves it into a register of the caller's choice, then loads function argument
 * {@code i} into {@code argRegs[i]} from the architecture's {@code pt_regs} offset:
 * <pre>
 *   ctxReg = r1                                  mov64
 *   argRegs[0] = *(u64 *)(ctxReg + argOffset(0))  ldxdw
 *   argRegs[1] = *(u64 *)(ctxReg + argOffset(1))  ldxdw
 *   ...
 * </pre>
 * Registers are checked before anything is emitted: r0 (helper results) and r10 (read-only frame
 * pointer) are refused, as are duplicates, the context register among the argument registers, an
 * argument beyond what the architecture passes in registers, and (for {@link #argsFromR1}) r1
 * overwritten while it still holds the context. Prefer r6..r9 for anything that must survive a
 * helper call: calls clobber r1..r5.
 *
 * <pre>{@code
 * List<Instruction> p = Prologue.of(Reg.R9, Reg.R7);  // r9 = r1; r7 = *(u64 *)(r9 +112) on x86_64
 * p.size();                                          // 2
 * Prologue.of(Architectures.byName("arm64").orElseThrow(), Reg.R9, Reg.R7, Reg.R8); // offsets 0, 8
 * }</pre>
 */
@EmitsInstructions
public final class Prologue {
    private Prologue() {
    }

    /** {@link #of(Architecture, Reg, Reg...)} for the host's architecture. */
    public static List<Instruction> of(Reg ctxReg, Reg... argRegs) {
        return of(Architectures.current(), ctxReg, argRegs);
    }

    /**
     * Saves r1 into {@code ctxReg} and loads argument {@code i} into {@code argRegs[i]}: one
     * {@code mov} plus one {@code ldxdw} per argument (no {@code mov} when {@code ctxReg} is r1).
     *
     * @throws IllegalArgumentException on a register clash or an argument the architecture does not
     *         pass in a register
     */
    public static List<Instruction> of(Architecture arch, Reg ctxReg, Reg... argRegs) {
        if (argRegs == null) {
            throw new IllegalArgumentException("argument registers missing");
        }
        if (arch != null && argRegs.length > arch.argRegisterCount()) {
            throw new IllegalArgumentException(argRegs.length + " arguments requested but " + arch.name() + " passes only "
                    + arch.argRegisterCount() + " in registers: expected at most " + arch.argRegisterCount()
                    + " (arguments 0.." + (arch.argRegisterCount() - 1) + ")");
        }
        Map<Integer, Reg> byIndex = new LinkedHashMap<>();
        for (int i = 0; i < argRegs.length; i++) {
            byIndex.put(i, argRegs[i]);
        }
        return of(arch, ctxReg, byIndex);
    }

    /**
     * Saves r1 into {@code ctxReg} and loads the chosen arguments: {@code Map.of(1, R7, 4, R8)}
     * reads argument 1 into r7 and argument 4 into r8, in the map's iteration order.
     *
     * @throws IllegalArgumentException on a register clash or an argument the architecture does not
     *         pass in a register
     */
    public static List<Instruction> of(Architecture arch, Reg ctxReg, Map<Integer, Reg> argRegs) {
        checkContext(ctxReg);
        checkArgs(arch, ctxReg, argRegs, "argument");
        List<Instruction> out = new ArrayList<>(argRegs.size() + 1);
        if (ctxReg != Reg.R1) {
            out.add(new AluInsn(AluOp.MOV, true, ctxReg, Reg.R1, 0));
        }
        for (Map.Entry<Integer, Reg> e : argRegs.entrySet()) {
            out.add(new LoadInsn(Size.DW, false, e.getValue(), ctxReg, arch.argOffset(e.getKey())));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Loads the arguments straight from r1 without saving the context (for bodies that never need
     * it again): one {@code ldxdw} per argument. r1 may receive only the last argument; loading it
     * earlier would lose the {@code pt_regs} pointer the later loads need.
     */
    public static List<Instruction> argsFromR1(Architecture arch, Reg... argRegs) {
        Map<Integer, Reg> byIndex = new LinkedHashMap<>();
        for (int i = 0; argRegs != null && i < argRegs.length; i++) {
            byIndex.put(i, argRegs[i]);
        }
        checkArgs(arch, null, byIndex, "argument");
        for (int i = 0; i < argRegs.length - 1; i++) {
            if (argRegs[i] == Reg.R1) {
                throw new IllegalArgumentException("argument " + i + " into r1 would overwrite the pt_regs pointer before"
                        + " arguments " + (i + 1) + ".." + (argRegs.length - 1) + " are read: put r1 last or save the context");
            }
        }
        List<Instruction> out = new ArrayList<>(argRegs.length);
        for (int i = 0; i < argRegs.length; i++) {
            out.add(new LoadInsn(Size.DW, false, argRegs[i], Reg.R1, arch.argOffset(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The kretprobe / uretprobe prologue: saves r1 into {@code ctxReg} and loads the function's
     * return value into {@code retReg} from the architecture's return-value offset.
     */
    public static List<Instruction> returnValue(Architecture arch, Reg ctxReg, Reg retReg) {
        checkContext(ctxReg);
        if (retReg == null) {
            throw new IllegalArgumentException("return value register missing");
        }
        checkArgs(arch, ctxReg, Map.of(-1, retReg), "return value");
        List<Instruction> out = new ArrayList<>(2);
        if (ctxReg != Reg.R1) {
            out.add(new AluInsn(AluOp.MOV, true, ctxReg, Reg.R1, 0));
        }
        out.add(new LoadInsn(Size.DW, false, retReg, ctxReg, arch.returnValueOffset()));
        return Collections.unmodifiableList(out);
    }

    /**
     * The prologue of a syscall probe, attached to a syscall wrapper ({@code __x64_sys_execve},
     * {@code __arm64_sys_execve}) whose only argument is the user {@code struct pt_regs *} of the
     * system call. Saves r1 into {@code ctxReg}, loads that inner pointer, copies the span of it
     * that holds the wanted arguments onto the stack with one {@code probe_read} call, then loads
     * each argument from the stack:
     * <pre>
     *   ctxReg = r1
     *   r3 = *(u64 *)(ctxReg + argOffset(0))        the user pt_regs pointer
     *   r3 += lowest syscallArgOffset wanted
     *   r1 = r10; r1 += -span; r2 = span
     *   call probe_read_kernel                     (probe_read_user for {@link Memory#USER})
     *   argRegs[i] = *(u64 *)(r10 - span + ...)     one ldxdw per argument
     * </pre>
     * The call clobbers r0..r5, so {@code ctxReg} must be one of r6..r9; the argument registers
     * are written after the call and may be any of r1..r9. The top {@code span} bytes of the stack
     * (at most 64 on x86_64, 48 on arm64) are scratch: the body may reuse them. When the read fails
     * the helper zeroes the buffer, so the arguments read as 0.
     *
     * @param memory where the inner {@code pt_regs} lives: {@link Memory#KERNEL} for real syscall
     *               wrappers; {@link Memory#USER} lets a test prove the offsets with a user struct
     * @param argRegs syscall argument index to register, loaded in iteration order
     */
    public static List<Instruction> syscall(Architecture arch, Reg ctxReg, Memory memory, Map<Integer, Reg> argRegs) {
        checkContext(ctxReg);
        if (memory == null) {
            throw new IllegalArgumentException("memory missing: KERNEL for syscall wrappers");
        }
        checkArgs(arch, ctxReg, argRegs, "syscall argument");
        List<Instruction> out = new ArrayList<>(argRegs.size() + 8);
        if (ctxReg != Reg.R1) {
            out.add(new AluInsn(AluOp.MOV, true, ctxReg, Reg.R1, 0));
        }
        if (argRegs.isEmpty()) {
            return Collections.unmodifiableList(out);
        }
        if (ctxReg.number() < 6) {
            throw new IllegalArgumentException("context register " + ctxReg + " would be clobbered by the probe_read call"
                    + " of the syscall prologue: expected one of r6..r9");
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int index : argRegs.keySet()) {
            int off = arch.syscallArgOffset(index);
            min = Math.min(min, off);
            max = Math.max(max, off);
        }
        int span = max - min + 8;
        out.add(new LoadInsn(Size.DW, false, Reg.R3, ctxReg, arch.argOffset(0)));
        if (min != 0) {
            out.add(new AluInsn(AluOp.ADD, true, Reg.R3, null, min));
        }
        out.add(new AluInsn(AluOp.MOV, true, Reg.R1, Reg.R10, 0));
        out.add(new AluInsn(AluOp.ADD, true, Reg.R1, null, -span));
        out.add(new AluInsn(AluOp.MOV, true, Reg.R2, null, span));
        out.add(CallInsn.helper(memory.readHelper()));
        for (Map.Entry<Integer, Reg> e : argRegs.entrySet()) {
            int off = arch.syscallArgOffset(e.getKey());
            out.add(new LoadInsn(Size.DW, false, e.getValue(), Reg.R10, -span + (off - min)));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@link #syscall(Architecture, Reg, Memory, Map)} for arguments 0..n-1 in kernel memory. */
    public static List<Instruction> syscall(Architecture arch, Reg ctxReg, Reg... argRegs) {
        Map<Integer, Reg> byIndex = new LinkedHashMap<>();
        for (int i = 0; argRegs != null && i < argRegs.length; i++) {
            byIndex.put(i, argRegs[i]);
        }
        return syscall(arch, ctxReg, Memory.KERNEL, byIndex);
    }

    static void checkContext(Reg ctxReg) {
        if (ctxReg == null) {
            throw new IllegalArgumentException("context register missing: expected one of r1..r9 (r6..r9 survive helper calls)");
        }
        checkUsable(ctxReg, "context register");
    }

    private static void checkUsable(Reg reg, String what) {
        if (reg == Reg.R0) {
            throw new IllegalArgumentException(what + " r0 would be overwritten by the first helper call's result:"
                    + " expected one of r1..r9 (r6..r9 survive helper calls)");
        }
        if (reg == Reg.R10) {
            throw new IllegalArgumentException(what + " r10 is the read-only frame pointer: expected one of r1..r9");
        }
    }

    /**
     * Checks argument registers: {@code what} names them in messages; index -1 stands for the
     * return value (no index check).
     */
    static void checkArgs(Architecture arch, Reg ctxReg, Map<Integer, Reg> argRegs, String what) {
        checkArgs(arch, ctxReg, argRegs, what, true);
    }

    /** As above; {@code archIndices} false skips the check of indices against the architecture. */
    static void checkArgs(Architecture arch, Reg ctxReg, Map<Integer, Reg> argRegs, String what, boolean archIndices) {
        if (arch == null && archIndices) {
            throw new IllegalArgumentException("architecture missing: pass one, or use Architectures.current()");
        }
        if (argRegs == null) {
            throw new IllegalArgumentException(what + " registers missing");
        }
        Map<Reg, Integer> seen = new EnumMap<>(Reg.class);
        for (Map.Entry<Integer, Reg> e : argRegs.entrySet()) {
            int index = e.getKey();
            Reg r = e.getValue();
            String name = index < 0 ? what + " register" : "register for " + what + " " + index;
            if (index >= 0 && archIndices) {
                arch.checkArgIndex(index);
            }
            if (r == null) {
                throw new IllegalArgumentException(name + " missing");
            }
            checkUsable(r, name);
            if (r == ctxReg) {
                throw new IllegalArgumentException(name + " is " + r + ", the context register: it would overwrite the"
                        + " pt_regs pointer; choose another register");
            }
            Integer before = seen.put(r, index);
            if (before != null) {
                throw new IllegalArgumentException(name + " is " + r + ", already used for " + what + " " + before
                        + ": each needs its own register");
            }
        }
    }
}
