package io.bpf4j.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Ready-made instruction sequences for the helper calls most tracing programs make. Each factory
 * returns a fragment (an unmodifiable list of instructions) to append to a {@link ProgramBuilder};
 * the builder has fluent methods of the same names.
 *
 * <p>Register rules, true of every fragment here unless its javadoc says more: it ends with one
 * helper call, so it <b>clobbers r0..r5</b> (r0 holds the helper's result, r1..r5 are
 * scratch after a call) and preserves r6..r9 and r10. Register arguments are moved into r1..r5
 * as one parallel move, so any register may be passed, including one of r1..r5 that another
 * argument is about to overwrite (a cycle is broken through r0, which the call clobbers anyway).
 *
 * <pre>{@code
 * MapReference events = MapReference.named("events");
 * Program p = Program.builder()
 *         .append(Fragments.getCurrentPidTgid(Reg.R6, Reg.R7))   // r6 = pid, r7 = tgid
 *         .append(Fragments.ringbufReserve(events, 16))          // r0 = record or NULL
 *         .jeq(Reg.R0, 0, "out")
 *         .stxw(Reg.R0, 0, Reg.R6)
 *         .append(Fragments.ringbufSubmit(Reg.R0, 0))
 *         .label("out").mov64(Reg.R0, 0).exit()
 *         .build();
 * }</pre>
 */
public final class Fragments {
    private Fragments() {
    }

    /** {@code r0 = bpf_ktime_get_ns()}: monotonic nanoseconds. Clobbers r0..r5. */
    public static List<Instruction> ktimeGetNs() {
        return List.of(CallInsn.helper(Helper.KTIME_GET_NS));
    }

    /**
     * {@code bpf_get_current_pid_tgid()} split: {@code pid} = low 32 bits (the kernel's thread id),
     * {@code tgid} = high 32 bits (the process id). Either may be null to drop that half, and
     * either may be r0. Clobbers r0..r5 (besides {@code pid} and {@code tgid}).
     *
     * @throws IllegalArgumentException if both name the same register
     */
    public static List<Instruction> getCurrentPidTgid(Reg pid, Reg tgid) {
        List<Instruction> out = new ArrayList<>(4);
        getCurrentPidTgid(out, pid, tgid);
        return done(out);
    }

    static void getCurrentPidTgid(List<Instruction> out, Reg pid, Reg tgid) {
        callAndSplit(out, Helper.GET_CURRENT_PID_TGID, pid, tgid, "pid", "tgid");
    }

    /**
     * {@code bpf_get_current_uid_gid()} split: {@code uid} = low 32 bits, {@code gid} = high 32
     * bits; either may be null. Clobbers r0..r5 (besides {@code uid} and {@code gid}).
     */
    public static List<Instruction> getCurrentUidGid(Reg uid, Reg gid) {
        List<Instruction> out = new ArrayList<>(4);
        getCurrentUidGid(out, uid, gid);
        return done(out);
    }

    static void getCurrentUidGid(List<Instruction> out, Reg uid, Reg gid) {
        callAndSplit(out, Helper.GET_CURRENT_UID_GID, uid, gid, "uid", "gid");
    }

    /**
     * {@code r0 = bpf_get_current_comm(base + offset, size)}: copies the task's command name
     * (NUL-terminated, at most {@code size} bytes) into a stack or record buffer. r0 = 0 or a
     * negative error. Clobbers r0..r5. Linux 6.1's helper leaves the bytes after the NUL as they
     * were (later kernels zero them): zero the buffer first where every byte counts, as in a map
     * key or a record compared byte for byte.
     *
     * <pre>{@code
     * Fragments.getCurrentComm(Reg.R10, -16, 16);   // into the top 16 bytes of the stack
     * Fragments.getCurrentComm(Reg.R6, 24, 16);     // into a ring-buffer record held in r6
     * }</pre>
     */
    public static List<Instruction> getCurrentComm(Reg base, int offset, int size) {
        List<Instruction> out = new ArrayList<>(4);
        getCurrentComm(out, base, offset, size);
        return done(out);
    }

    static void getCurrentComm(List<Instruction> out, Reg base, int offset, int size) {
        pointer(out, Reg.R1, base, offset);
        out.add(movImm(Reg.R2, size));
        out.add(CallInsn.helper(Helper.GET_CURRENT_COMM));
    }

    /**
     * {@code r0 = bpf_ringbuf_reserve(map, size, 0)}: r0 = a record of {@code size} bytes or NULL
     * (test r0 before writing). Clobbers r0..r5.
     */
    public static List<Instruction> ringbufReserve(MapReference map, int size) {
        List<Instruction> out = new ArrayList<>(5);
        ringbufReserve(out, map, size);
        return done(out);
    }

    static void ringbufReserve(List<Instruction> out, MapReference map, int size) {
        out.add(loadMap(Reg.R1, map));
        out.add(movImm(Reg.R2, size));
        out.add(movImm(Reg.R3, 0));
        out.add(CallInsn.helper(Helper.RINGBUF_RESERVE));
    }

    /** {@code bpf_ringbuf_submit(record, flags)}: publishes a reserved record. Clobbers r0..r5. */
    public static List<Instruction> ringbufSubmit(Reg record, int flags) {
        List<Instruction> out = new ArrayList<>(3);
        ringbufSubmit(out, record, flags);
        return done(out);
    }

    static void ringbufSubmit(List<Instruction> out, Reg record, int flags) {
        recordCall(out, Helper.RINGBUF_SUBMIT, record, flags);
    }

    /** {@code bpf_ringbuf_discard(record, flags)}: drops a reserved record. Clobbers r0..r5. */
    public static List<Instruction> ringbufDiscard(Reg record, int flags) {
        List<Instruction> out = new ArrayList<>(3);
        ringbufDiscard(out, record, flags);
        return done(out);
    }

    static void ringbufDiscard(List<Instruction> out, Reg record, int flags) {
        recordCall(out, Helper.RINGBUF_DISCARD, record, flags);
    }

    /**
     * {@code r0 = bpf_ringbuf_output(map, data, size, flags)}: copies {@code size} bytes at
     * {@code data} into a new record. r0 = 0 or a negative error. Clobbers r0..r5.
     */
    public static List<Instruction> ringbufOutput(MapReference map, Reg data, int size, int flags) {
        List<Instruction> out = new ArrayList<>(6);
        parallelMove(out, new Reg[] {Reg.R2}, new Reg[] {data});
        out.add(loadMap(Reg.R1, map));
        out.add(movImm(Reg.R3, size));
        out.add(movImm(Reg.R4, flags));
        out.add(CallInsn.helper(Helper.RINGBUF_OUTPUT));
        return done(out);
    }

    /**
     * {@code r0 = bpf_map_lookup_elem(map, keyPtr)}: r0 = pointer to the value or NULL.
     * Clobbers r0..r5.
     */
    public static List<Instruction> mapLookup(MapReference map, Reg keyPtr) {
        List<Instruction> out = new ArrayList<>(4);
        parallelMove(out, new Reg[] {Reg.R2}, new Reg[] {keyPtr});
        out.add(loadMap(Reg.R1, map));
        out.add(CallInsn.helper(Helper.MAP_LOOKUP_ELEM));
        return done(out);
    }

    /**
     * {@code r0 = bpf_map_update_elem(map, keyPtr, valuePtr, flags)} ({@code BPF_ANY} 0,
     * {@code BPF_NOEXIST} 1, {@code BPF_EXIST} 2). r0 = 0 or a negative error. Clobbers r0..r5.
     */
    public static List<Instruction> mapUpdate(MapReference map, Reg keyPtr, Reg valuePtr, long flags) {
        List<Instruction> out = new ArrayList<>(7);
        parallelMove(out, new Reg[] {Reg.R2, Reg.R3}, new Reg[] {keyPtr, valuePtr});
        out.add(loadMap(Reg.R1, map));
        out.add(movImm64(Reg.R4, flags));
        out.add(CallInsn.helper(Helper.MAP_UPDATE_ELEM));
        return done(out);
    }

    /**
     * {@code r0 = bpf_probe_read_kernel(dst, size, unsafePtr)}: copies {@code size} bytes of
     * kernel memory. r0 = 0 or a negative error. Clobbers r0..r5.
     */
    public static List<Instruction> probeReadKernel(Reg dst, int size, Reg unsafePtr) {
        return probeRead(Helper.PROBE_READ_KERNEL, dst, 0, size, unsafePtr, 0);
    }

    /** {@code r0 = bpf_probe_read_user(dst, size, unsafePtr)}: as {@link #probeReadKernel} for user memory. */
    public static List<Instruction> probeReadUser(Reg dst, int size, Reg unsafePtr) {
        return probeRead(Helper.PROBE_READ_USER, dst, 0, size, unsafePtr, 0);
    }

    /**
     * {@code r0 = bpf_probe_read_kernel_str(dst, size, unsafePtr)}: copies a NUL-terminated string
     * of at most {@code size} bytes; r0 = its length including the NUL, or a negative error.
     * Clobbers r0..r5.
     */
    public static List<Instruction> probeReadKernelStr(Reg dst, int size, Reg unsafePtr) {
        return probeRead(Helper.PROBE_READ_KERNEL_STR, dst, 0, size, unsafePtr, 0);
    }

    /** {@code r0 = bpf_probe_read_user_str(dst, size, unsafePtr)}: as {@link #probeReadKernelStr} for user memory. */
    public static List<Instruction> probeReadUserStr(Reg dst, int size, Reg unsafePtr) {
        return probeRead(Helper.PROBE_READ_USER_STR, dst, 0, size, unsafePtr, 0);
    }

    /**
     * {@code r0 = helper(dst + dstOff, size, src + srcOff)} for any of the probe-read helpers
     * ({@code probe_read_user}, {@code _kernel}, their {@code _str} forms, and the legacy
     * {@code probe_read}/{@code probe_read_str}): the general form of {@link #probeReadKernel} and
     * its siblings, with offsets (a field of a struct, a slot of the stack or of a record) and a
     * helper chosen at run time. Arguments in the helper's order: destination, size, source. The
     * registers go into r1/r3 as one parallel move and the offsets are added afterwards, so any
     * pair is right, a destination in r3 with the source in r1 included. Clobbers r0..r5.
     *
     * <pre>{@code
     * // 16 bytes from 8 past the struct r7 points to, into the stack at r10 - 16
     * Fragments.probeRead(Helper.PROBE_READ_KERNEL, Reg.R10, -16, 16, Reg.R7, 8);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code helper} is not a probe-read helper, a register is
     *         missing, or {@code size} is below 1
     */
    public static List<Instruction> probeRead(Helper helper, Reg dst, int dstOff, int size, Reg src, int srcOff) {
        List<Instruction> out = new ArrayList<>(7);
        probeRead(out, helper, dst, dstOff, size, src, srcOff);
        return done(out);
    }

    /** {@link #probeRead(Helper, Reg, int, int, Reg, int)}, appended to {@code out}. */
    static void probeRead(List<Instruction> out, Helper helper, Reg dst, int dstOff, int size, Reg src, int srcOff) {
        checkProbeRead(helper, dst, size, src);
        move(out, Reg.R1, dst, Reg.R3, src);
        if (dstOff != 0) {
            out.add(new AluInsn(AluOp.ADD, true, Reg.R1, null, dstOff));
        }
        if (srcOff != 0) {
            out.add(new AluInsn(AluOp.ADD, true, Reg.R3, null, srcOff));
        }
        out.add(movImm(Reg.R2, size));
        out.add(CallInsn.helper(helper));
    }

    private static void checkProbeRead(Helper helper, Reg dst, int size, Reg src) {
        if (helper == null) {
            throw new IllegalArgumentException("probe-read helper missing: PROBE_READ_USER, PROBE_READ_KERNEL or their _STR forms");
        }
        switch (helper) {
            case PROBE_READ_USER:
            case PROBE_READ_KERNEL:
            case PROBE_READ_USER_STR:
            case PROBE_READ_KERNEL_STR:
            case PROBE_READ:
            case PROBE_READ_STR:
                break;
            default:
                throw new IllegalArgumentException(helper.cName() + " is not a probe-read helper: expected "
                        + "PROBE_READ_USER, PROBE_READ_KERNEL or their _STR forms");
        }
        if (dst == null || src == null) {
            throw new IllegalArgumentException(helper.cName() + ": " + (dst == null ? "destination" : "source")
                    + " register missing");
        }
        if (size < 1) {
            throw new IllegalArgumentException(helper.cName() + ": size " + size + ": expected at least 1 byte");
        }
    }

    /**
     * {@code bpf_trace_printk(format, sizeof format, args…)} with the format written to the top of
     * the stack: the NUL-terminated format, padded to 8 bytes, occupies {@code [r10 - n, r10)}
     * where n is {@link #stackBytes(String)}. Same as {@code tracePrintk(-n, format, args)}.
     */
    public static List<Instruction> tracePrintk(String format, Reg... args) {
        return tracePrintk(-stackBytes(format), format, args);
    }

    /**
     * {@code bpf_trace_printk} with the format written at {@code r10 + stackOffset} (a negative,
     * 4-byte aligned offset; the format needs {@link #stackBytes(String)} bytes from there). At
     * most three arguments (r3..r5). Writes the stack area, then clobbers r0..r5. Output goes to
     * {@code /sys/kernel/tracing/trace_pipe}.
     *
     * <pre>{@code
     * Fragments.tracePrintk("pid %d\n", Reg.R6);   // bpf_trace_printk("pid %d\n", 8, r6)
     * }</pre>
     */
    public static List<Instruction> tracePrintk(int stackOffset, String format, Reg... args) {
        return tracePrintk(java.nio.ByteOrder.nativeOrder(), stackOffset, format, args);
    }

    /**
     * {@link #tracePrintk(int, String, Reg...)} for a target of byte order {@code order}: the format
     * is stored with 32-bit immediate stores, whose immediates depend on the target's order.
     */
    public static List<Instruction> tracePrintk(java.nio.ByteOrder order, int stackOffset, String format, Reg... args) {
        if (format == null) {
            throw new IllegalArgumentException("trace_printk: format missing");
        }
        if (args.length > 3) {
            throw new IllegalArgumentException("trace_printk: " + args.length + " arguments: expected at most 3");
        }
        byte[] text = format.getBytes(StandardCharsets.UTF_8);
        int length = text.length + 1;                  // with the terminating NUL
        int padded = stackBytes(format);
        if (stackOffset % 4 != 0 || stackOffset > -padded || stackOffset < -512) {
            throw new IllegalArgumentException("trace_printk: stack offset " + stackOffset + " unusable for a "
                    + padded + "-byte format: expected a multiple of 4 in -512..-" + padded);
        }
        byte[] bytes = Arrays.copyOf(text, padded);
        List<Instruction> out = new ArrayList<>(padded / 4 + 8);
        // 32-bit immediate stores need no scratch register; the immediate is the word whose bytes,
        // in the target's order, spell the next four characters.
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes).order(order);
        for (int i = 0; i < padded; i += 4) {
            out.add(new StoreInsn(Size.W, Reg.R10, stackOffset + i, null, bb.getInt(i)));
        }
        Reg[] to = new Reg[args.length];
        for (int i = 0; i < args.length; i++) {
            to[i] = Reg.of(3 + i);
        }
        parallelMove(out, to, args);
        pointer(out, Reg.R1, Reg.R10, stackOffset);
        out.add(movImm(Reg.R2, length));
        out.add(CallInsn.helper(Helper.TRACE_PRINTK));
        return done(out);
    }

    /** Stack bytes {@link #tracePrintk(String, Reg...)} uses for {@code format}: UTF-8 length + NUL, rounded up to 8. */
    public static int stackBytes(String format) {
        int length = format.getBytes(StandardCharsets.UTF_8).length + 1;
        return (length + 7) & ~7;
    }

    /** {@code r1 = map; …}: the ld_imm64 that loads a map pointer (fd now, or name resolved at load). */
    public static Instruction loadMap(Reg dst, MapReference map) {
        if (map == null) {
            throw new IllegalArgumentException("map reference missing");
        }
        return new LoadImm64Insn(dst, PseudoSource.MAP_FD, map.fd(), map.name());
    }

    // ---- internals ----------------------------------------------------------------------------

    private static void callAndSplit(List<Instruction> out, Helper helper, Reg low, Reg high, String lowName, String highName) {
        if (low != null && low == high) {
            throw new IllegalArgumentException(helper.cName() + ": " + lowName + " and " + highName
                    + " both go to " + low + ": expected two registers");
        }
        out.add(CallInsn.helper(helper));
        if (low == Reg.R0) {
            // r0 still holds both halves: take the high half out first.
            shiftHigh(out, high);
            out.add(new AluInsn(AluOp.MOV, false, Reg.R0, Reg.R0, 0));
        } else {
            if (low != null) {
                out.add(new AluInsn(AluOp.MOV, false, low, Reg.R0, 0));   // w = w0 zero-extends
            }
            shiftHigh(out, high);
        }
    }

    private static void shiftHigh(List<Instruction> out, Reg high) {
        if (high == null) {
            return;
        }
        if (high != Reg.R0) {
            out.add(new AluInsn(AluOp.MOV, true, high, Reg.R0, 0));
        }
        out.add(new AluInsn(AluOp.RSH, true, high, null, 32));
    }

    private static void recordCall(List<Instruction> out, Helper helper, Reg record, int flags) {
        move(out, Reg.R1, record);
        out.add(movImm(Reg.R2, flags));
        out.add(CallInsn.helper(helper));
    }

    /** {@link #parallelMove} of one register, without its arrays. */
    private static void move(List<Instruction> out, Reg to, Reg from) {
        if (from == null) {
            throw new IllegalArgumentException("argument register for " + to + " missing");
        }
        if (from != to) {
            out.add(new AluInsn(AluOp.MOV, true, to, from, 0));
        }
    }

    /**
     * {@link #parallelMove} of two registers, without its arrays when the first move does not
     * overwrite the second's source (then the order is the one parallelMove would choose).
     */
    private static void move(List<Instruction> out, Reg to0, Reg from0, Reg to1, Reg from1) {
        if (from0 == null || from1 == null || from1 == to0) {
            parallelMove(out, new Reg[] {to0, to1}, new Reg[] {from0, from1});
            return;
        }
        if (from0 != to0) {
            out.add(new AluInsn(AluOp.MOV, true, to0, from0, 0));
        }
        if (from1 != to1) {
            out.add(new AluInsn(AluOp.MOV, true, to1, from1, 0));
        }
    }

    /** {@code dst = base + offset}, without a move when base already is dst and no add when offset is 0. */
    private static void pointer(List<Instruction> out, Reg dst, Reg base, int offset) {
        if (base == null) {
            throw new IllegalArgumentException("base register missing");
        }
        if (base != dst) {
            out.add(new AluInsn(AluOp.MOV, true, dst, base, 0));
        }
        if (offset != 0) {
            out.add(new AluInsn(AluOp.ADD, true, dst, null, offset));
        }
    }

    private static Instruction movImm(Reg dst, int imm) {
        return new AluInsn(AluOp.MOV, true, dst, null, imm);
    }

    private static Instruction movImm64(Reg dst, long imm) {
        if (imm >= Integer.MIN_VALUE && imm <= Integer.MAX_VALUE) {
            return movImm(dst, (int) imm);
        }
        return new LoadImm64Insn(dst, PseudoSource.NONE, imm, null);
    }

    /**
     * Moves {@code from[i]} into {@code to[i]} for all i at once. Destinations are argument
     * registers (r1..r5); a move whose destination another pending move still reads waits, and a
     * cycle is broken by parking one value in r0 (clobbered by the call that follows anyway).
     */
    static void parallelMove(List<Instruction> out, Reg[] to, Reg[] from) {
        int n = to.length;
        Reg[] src = new Reg[n];
        for (int i = 0; i < n; i++) {
            if (from[i] == null) {
                throw new IllegalArgumentException("argument register for " + to[i] + " missing");
            }
            src[i] = from[i];
        }
        boolean[] done = new boolean[n];
        int remaining = 0;
        for (int i = 0; i < n; i++) {
            if (src[i] == to[i]) {
                done[i] = true;
            } else {
                remaining++;
            }
        }
        while (remaining > 0) {
            boolean progress = false;
            for (int i = 0; i < n; i++) {
                if (done[i] || readByPending(to[i], src, done, i)) {
                    continue;
                }
                out.add(new AluInsn(AluOp.MOV, true, to[i], src[i], 0));
                done[i] = true;
                remaining--;
                progress = true;
            }
            if (!progress) {
                // Every pending destination is still read by another move: a cycle. Park one.
                for (int i = 0; i < n; i++) {
                    if (!done[i]) {
                        out.add(new AluInsn(AluOp.MOV, true, Reg.R0, to[i], 0));
                        for (int j = 0; j < n; j++) {
                            if (!done[j] && src[j] == to[i]) {
                                src[j] = Reg.R0;
                            }
                        }
                        break;
                    }
                }
            }
        }
    }

    private static boolean readByPending(Reg r, Reg[] src, boolean[] done, int self) {
        for (int j = 0; j < src.length; j++) {
            if (j != self && !done[j] && src[j] == r) {
                return true;
            }
        }
        return false;
    }

    private static List<Instruction> done(List<Instruction> out) {
        return Collections.unmodifiableList(out);
    }
}
