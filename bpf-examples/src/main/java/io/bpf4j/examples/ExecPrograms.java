package io.bpf4j.examples;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R9;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.kprobe.Kprobe;
import io.bpf4j.kprobe.ProbeHelpers;
import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.kprobe.TracepointProbe;
import io.bpf4j.structs.StackSlot;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.btf.FieldPathReads;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The BPF side of {@code execsnoop}: Lab 5.4's programs, written with bpf4j's public API only.
 * Building them makes no system call, so they can be built, printed and tested anywhere;
 * {@link ExecTracer} loads and attaches them.
 *
 * <p>Registers, the same in every program: r9 the context (pt_regs or tracepoint record), r6 the
 * event being filled in (a reserved ring-buffer record), r7 and r8 values that must survive
 * helper calls. The maps are referred to by name and bound when the programs are loaded.
 *
 * <pre>{@code
 * ExecPrograms p = new ExecPrograms(Btf.kernel(), Optional.empty(), false);
 * ProbeProgram kprobe = p.kprobeExec();
 * kprobe.program().assemble().length / 8;   // slots
 * }</pre>
 */
public final class ExecPrograms {
    /** Bytes kept of the exec'd path. */
    public static final int FILENAME_SIZE = 256;
    /** {@code BPF_RB_NO_WAKEUP} ({@code include/uapi/linux/bpf.h}): submit without waking the reader. */
    static final int BPF_RB_NO_WAKEUP = 1;
    /** Bytes kept of the argument strings. */
    public static final int ARGS_SIZE = 256;

    // tag::layout[]
    /** The lab's ProcessExecEvent (its first 40 bytes), then what the challenges add. */
    public static final StructLayout EXEC = StructLayout.builder("ProcessExecEvent")
            .u64("timestamp").u32("pid").u32("tgid").u32("uid").u32("ppid").chars("comm", 16)
            .chars("filename", FILENAME_SIZE)        // Challenge 2: the file exec'd
            .u64("latency_ns").s64("ret")            // Challenge 4: --latency
            .u32("args_size").chars("args", ARGS_SIZE) // --args: argv strings, NUL-separated
            .chars("pcomm", 16)                      // Challenge 3: the parent's command
            .u32("mntns")                            // --mntns: the mount namespace's inode number
            .u32("args_total")                       // bytes of argv before the cut to ARGS_SIZE
            .build();
    // end::layout[]

    /** What the exec-entry program keeps per thread until exec returns (--latency). */
    public static final StructLayout START = StructLayout.builder("ExecStart")
            .u64("start").chars("filename", FILENAME_SIZE)
            .build();

    /** The ring buffer the events go through. */
    public static final MapReference EVENTS = MapReference.named("exec_events");
    /** One u64: events lost because the ring buffer was full. */
    public static final MapReference DROPS = MapReference.named("exec_drops");
    /**
     * Thread (its task_struct's address) to {@link #START}, between exec's entry and return. Not
     * pid_tgid: a thread that is not its process's leader takes the leader's pid during exec, so
     * its pid_tgid at the return differs from the one at the entry; the task stays the same.
     */
    public static final MapReference STARTS = MapReference.named("exec_starts");

    private final Btf btf;
    private final Optional<Integer> uid;
    private final OptionalLong cgroupId;
    private final boolean args;
    private final boolean failedOnly;
    private final int submitFlags;

    /**
     * Programs that submit each event without waking the reader, which finds it at its next poll
     * (execsnoop polls every 100 ms). Waking the reader costs the program far more than the
     * event itself: {@code bpf_ringbuf_submit} then queues an irq_work, a self-IPI, which on a
     * KVM guest exits to the hypervisor — measured with {@code bpf-bench/exec-cost.sh}
     * ({@code kernel.bpf_stats_enabled}) on the CI VM: 28 µs per exec with wake-ups, 1.0 µs
     * without (BENCHMARKS.md).
     *
     * @param btf the kernel's types, for {@code current->real_parent->tgid} and friends
     * @param uid only execs by this user, if present (Challenge 1)
     * @param args whether to copy the argument strings
     */
    public ExecPrograms(Btf btf, Optional<Integer> uid, boolean args) {
        this(btf, uid, OptionalLong.empty(), args, false, false);
    }

    /**
     * As {@link #ExecPrograms(Btf, Optional, boolean)}; with {@code wakeUpPerEvent} each event
     * wakes a reader blocked in {@code poll} at once (the kernel's default: it wakes the reader
     * when the ring was empty), for a reader that polls with long timeouts.
     */
    public ExecPrograms(Btf btf, Optional<Integer> uid, boolean args, boolean wakeUpPerEvent) {
        this(btf, uid, OptionalLong.empty(), args, false, wakeUpPerEvent);
    }

    /** execsnoop's filters: {@code --cgroup} and {@code -x}; events found at the reader's next poll. */
    public ExecPrograms(Btf btf, Optional<Integer> uid, OptionalLong cgroupId, boolean args, boolean failedOnly) {
        this(btf, uid, cgroupId, args, failedOnly, false);
    }

    /**
     * @param btf the kernel's types, for {@code current->real_parent->tgid} and friends
     * @param uid only execs by this user, if present (Challenge 1)
     * @param cgroupId only execs in the cgroup v2 with this id ({@code bpf_get_current_cgroup_id}), if present
     * @param args whether to copy the argument strings
     * @param failedOnly the return programs send only failed execs ({@code -x})
     * @param wakeUpPerEvent each event wakes a reader blocked in {@code poll} at once
     */
    public ExecPrograms(Btf btf, Optional<Integer> uid, OptionalLong cgroupId, boolean args, boolean failedOnly,
                        boolean wakeUpPerEvent) {
        this.btf = btf;
        this.uid = uid;
        this.cgroupId = cgroupId;
        this.args = args;
        this.failedOnly = failedOnly;
        this.submitFlags = wakeUpPerEvent ? 0 : BPF_RB_NO_WAKEUP;
    }

    // ---- one event per exec --------------------------------------------------------------

    /**
     * A kprobe on {@code do_execveat_common(int fd, struct filename *filename, ...)}: one event
     * as each exec starts (comm is still the caller's name then, and the new program's arguments
     * do not exist yet).
     */
    public ProbeProgram kprobeExec() {
        // tag::kprobe[]
        return Kprobe.entry("do_execveat_common")
                .context(R9)
                .arg(1, R7)                                   // r7 = struct filename *
                .name("exec_kprobe")
                .body(b -> b
                        .with(this::onlyUid)                  // Challenge 1
                        .with(this::reserveEvent)             // r6 = the event, or return
                        .with(this::fillTask)                 // the lab's fields and the parent
                        // Challenge 2: filename->name points to the path, in kernel memory.
                        .append(FieldPathReads.read(btf.path("filename.name"), R7, R8, -8))
                        .append(EXEC.addressOf(R1, R6, "filename"))
                        .probeReadKernelStr(R1, FILENAME_SIZE, R8)
                        .append(EXEC.zero(R6, "latency_ns", "args_size"))  // no arguments yet
                        .append(EXEC.storeImm("args_total", R6, 0))
                        .ringbufSubmit(R6, submitFlags)
                        .mov(R0, 0).exit())
                .build();
        // end::kprobe[]
    }

    /**
     * The {@code sched/sched_process_exec} tracepoint, where kprobes are missing: it fires once
     * exec has succeeded, in the new program (so comm is the new name).
     */
    public ProbeProgram tracepointExec(TracepointFormat format) {
        // tag::tracepoint[]
        return TracepointProbe.of("sched", "sched_process_exec")
                .format(format)
                .context(R9)
                .name("exec_tp")
                .body((b, record) -> b
                        .with(this::onlyUid)
                        .with(this::reserveEvent)
                        .with(this::fillTask)
                        // The path is a __data_loc string inside the tracepoint's record.
                        .append(record.readString("filename", R6, EXEC.offset("filename"), FILENAME_SIZE))
                        .with(this::fillArgs)
                        .append(EXEC.zero(R6, "latency_ns", "ret"))
                        .ringbufSubmit(R6, submitFlags)
                        .mov(R0, 0).exit())
                .build();
        // end::tracepoint[]
    }

    // ---- Challenge 4: exec latency, entry and return ---------------------------------------

    /**
     * {@code syscalls/sys_enter_execve} (or {@code sys_enter_execveat}, as {@code format} says):
     * note the time and the path (a user pointer in the record) for this thread.
     */
    public ProbeProgram tracepointEnter(TracepointFormat format) {
        StackSlot start = START.onStack(8);                   // r10-8 holds the key
        return TracepointProbe.of("syscalls", format.name())
                .format(format)
                .context(R9)
                .field("filename", R7)                        // r7 = const char __user *
                .name("exec_enter")
                .body(b -> b
                        .with(this::onlyUid)
                        .append(start.addressOf(R1, "filename"))
                        .probeReadUserStr(R1, FILENAME_SIZE, R7)
                        .with(x -> saveStart(x, start))
                        .mov(R0, 0).exit())
                .build();
    }

    /**
     * {@code syscalls/sys_exit_execve} (or {@code sys_exit_execveat}): one event with the duration
     * and the return value.
     */
    public ProbeProgram tracepointExit(TracepointFormat format) {
        return TracepointProbe.of("syscalls", format.name())
                .format(format)
                .context(R9)
                .field("ret", R7)                             // r7 = exec's return value
                .name("exec_exit")
                .body(this::emitWithLatency)
                .build();
    }

    /** A kprobe on do_execveat_common's entry, the kprobe twin of {@link #tracepointEnter}. */
    public ProbeProgram kprobeEnter() {
        StackSlot start = START.onStack(8);
        return Kprobe.entry("do_execveat_common")
                .context(R9)
                .arg(1, R7)
                .name("exec_entry")
                .body(b -> b
                        .with(this::onlyUid)
                        .append(FieldPathReads.read(btf.path("filename.name"), R7, R8, -8))
                        .append(start.addressOf(R1, "filename"))
                        .probeReadKernelStr(R1, FILENAME_SIZE, R8)
                        .with(x -> saveStart(x, start))
                        .mov(R0, 0).exit())
                .build();
    }

    /** A kretprobe on do_execveat_common, the kprobe twin of {@link #tracepointExit}. */
    public ProbeProgram kretprobeExit() {
        // tag::kretprobe[]
        return Kprobe.ret("do_execveat_common")
                .context(R9)
                .returnValue(R7)                              // r7 = 0 or -errno, as an int
                .name("exec_return")
                .body(b -> b
                        .lsh64(R7, 32).arsh64(R7, 32)         // int to s64: -2 stays -2
                        .with(this::emitWithLatency))
                .build();
        // end::kretprobe[]
    }

    /** {@code starts[current task] = {now, filename}}, the struct being on the stack. */
    private static void saveStart(ProgramBuilder b, StackSlot start) {
        b.call(Helper.GET_CURRENT_TASK)
                .stxdw(R10, -8, R0)                           // the key: this thread
                .ktimeGetNs()
                .append(start.store("start", R0))
                .mov(R2, R10).add64(R2, -8)
                .append(start.addressOf(R3))
                .mapUpdate(STARTS, R2, R3, 0);                // BPF_ANY
    }

    /** With the return value in r7: look up this thread's start, send the event, forget the start. */
    // tag::latency[]
    private void emitWithLatency(ProgramBuilder b) {
        b.call(Helper.GET_CURRENT_TASK)                       // the same task after exec, whatever its pid
                .stxdw(R10, -8, R0)                           // key: this thread
                .mov(R2, R10).add64(R2, -8)
                .mapLookup(STARTS, R2)
                .jne(R0, 0, "started")
                .mov(R0, 0).exit()                            // exec began before we attached
                .label("started")
                .mov(R8, R0)                                  // r8 = &starts[thread]
                .with(this::onlyFailed)
                .with(this::reserveEvent)
                .append(EXEC.store("ret", R6, R7))
                .with(this::fillTask)
                .append(EXEC.load(R1, R6, "timestamp"))       // now
                .append(START.load(R2, R8, "start"))
                .sub64(R1, R2)
                .append(EXEC.store("latency_ns", R6, R1))
                .append(START.addressOf(R3, R8, "filename"))
                .append(EXEC.addressOf(R1, R6, "filename"))
                .probeReadKernelStr(R1, FILENAME_SIZE, R3)
                // Argument strings exist only once exec has succeeded.
                .append(EXEC.load(R7, R6, "ret"))
                .jeq(R7, 0, "exec_ok")
                .append(EXEC.storeImm("args_size", R6, 0))
                .append(EXEC.storeImm("args_total", R6, 0))
                .ja("send")
                .label("exec_ok")
                .with(this::fillArgs)
                .label("send")
                .ringbufSubmit(R6, submitFlags)
                .call(Helper.GET_CURRENT_TASK)
                .stxdw(R10, -8, R0)
                .mov(R2, R10).add64(R2, -8)
                .ldMap(R1, STARTS)
                .call(Helper.MAP_DELETE_ELEM)
                .mov(R0, 0).exit();
    }
    // end::latency[]

    /** {@code -x}: with exec's return value in r7, a successful exec sends nothing and forgets its start. */
    private void onlyFailed(ProgramBuilder b) {
        if (!failedOnly) {
            return;
        }
        b.jne(R7, 0, "exec_failed")
                .call(Helper.GET_CURRENT_PID_TGID)
                .stxdw(R10, -8, R0)
                .mov(R2, R10).add64(R2, -8)
                .ldMap(R1, STARTS)
                .call(Helper.MAP_DELETE_ELEM)
                .mov(R0, 0).exit()
                .label("exec_failed");
    }

    // ---- fragments every program shares -----------------------------------------------------

    /** Challenge 1: return at once unless the current user is {@code --uid} (filtered in the kernel). */
    // tag::uid[]
    private void onlyUid(ProgramBuilder b) {
        uid.ifPresent(u -> b.append(ProbeHelpers.onlyUid(u)));
        cgroupId.ifPresent(id -> onlyCgroup(b, id));
    }
    // end::uid[]

    /**
     * {@code --cgroup}: return at once unless {@code bpf_get_current_cgroup_id()} is the cgroup's
     * id (its inode number in cgroupfs), the exact match bcc's {@code --cgroupmap} makes.
     */
    private static void onlyCgroup(ProgramBuilder b, long id) {
        b.call(Helper.GET_CURRENT_CGROUP_ID)
                .ldImm64(R1, id)
                .jeq(R0, R1, "in_cgroup")
                .mov(R0, 0).exit()
                .label("in_cgroup");
    }

    /**
     * {@code r6 = bpf_ringbuf_reserve(&exec_events, sizeof(ProcessExecEvent), 0)}; when the ring
     * buffer is full, count the lost event in {@code exec_drops[0]} and return.
     */
    // tag::reserve[]
    private void reserveEvent(ProgramBuilder b) {
        b.ringbufReserve(EVENTS, EXEC.size())
                .jne(R0, 0, "reserved")
                .ldMapValue(R1, DROPS, 0)                     // r1 = &exec_drops[0]
                .mov(R2, 1)
                .atomicAdd64(R1, 0, R2)                       // lock *(u64 *)r1 += 1
                .mov(R0, 0).exit()
                .label("reserved")
                .mov(R6, R0);
    }
    // end::reserve[]

    /** The lab's fields (timestamp, pid, tgid, uid, comm) and Challenge 3, the parent's pid. */
    // tag::task[]
    private void fillTask(ProgramBuilder b) {
        b.ktimeGetNs()
                .append(EXEC.store("timestamp", R6, R0))
                .getCurrentPidTgid(R1, R2)                    // pid = thread id, tgid = process id
                .append(EXEC.store("pid", R6, R1))
                .append(EXEC.store("tgid", R6, R2))
                .getCurrentUidGid(R1, null)
                .append(EXEC.store("uid", R6, R1))
                .getCurrentComm(R6, EXEC.offset("comm"), 16)
                // current->real_parent->tgid, with offsets from the running kernel's BTF.
                .append(FieldPathReads.readCurrentTaskInto(btf.path("task_struct.real_parent->tgid"),
                        R6, EXEC.offset("ppid"), -8))
                .append(FieldPathReads.readCurrentTaskInto(btf.path("task_struct.real_parent->comm"),
                        R6, EXEC.offset("pcomm"), -8))
                .append(FieldPathReads.readCurrentTaskInto(btf.path("task_struct.nsproxy->mnt_ns->ns.inum"),
                        R6, EXEC.offset("mntns"), -8));
    }
    // end::task[]

    /** With --args: the new program's argument strings, {@code mm->arg_start .. mm->arg_end}. */
    private void fillArgs(ProgramBuilder b) {
        if (!args) {
            b.append(EXEC.storeImm("args_size", R6, 0)).append(EXEC.storeImm("args_total", R6, 0));
            return;
        }
        b.append(FieldPathReads.readCurrentTask(btf.path("task_struct.mm->arg_start"), R7, -8))
                .append(FieldPathReads.readCurrentTask(btf.path("task_struct.mm->arg_end"), R8, -8))
                .sub64(R8, R7)                                // r8 = bytes of argument strings
                .append(EXEC.store("args_total", R6, R8))     // user space marks a cut with "..."
                .jle(R8, ARGS_SIZE, "args_fit")
                .mov(R8, ARGS_SIZE)
                .label("args_fit")
                .append(EXEC.store("args_size", R6, R8))
                .append(EXEC.addressOf(R1, R6, "args"))
                .mov(R2, R8)
                .mov(R3, R7)
                .call(Helper.PROBE_READ_USER);                // copy r8 bytes from arg_start
    }
}
