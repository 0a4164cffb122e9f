package io.bpf4j.examples;

import io.bpf4j.compiler.Bpf;
import io.bpf4j.compiler.LongArrayMap;
import io.bpf4j.compiler.Reservation;
import io.bpf4j.compiler.RingBuffer;
import io.bpf4j.compiler.TracepointContext;
import io.bpf4j.structs.Chars;
import io.bpf4j.structs.U32;
import io.bpf4j.structs.U64;

/**
 * The BPF side of {@code ./bpf4j execsnoop --compiled}: the exec tracer written as a Java method
 * and compiled by bpf-compiler, the record reserved in the ring buffer and filled in place. The
 * options the kernel applies (the user, the cgroup) come through a map user space fills, so one
 * compiled program serves every run. The same method runs on the JVM ({@code CompiledExecTracerTest}).
 *
 * <pre>{@code
 * CompiledProgram p = BpfCompiler.create().compile(CompiledExecTracer.class, "onExec");
 * p.maps();   // exec_events (ring buffer) and exec_options (array): create, fill, load, attach
 * }</pre>
 */
public final class CompiledExecTracer {
    private CompiledExecTracer() {
    }

    /**
     * One exec: what execsnoop shows without {@code --args} or {@code --latency}.
     *
     * @param timestamp {@code bpf_ktime_get_ns()}
     * @param pid the process (tgid)
     * @param ppid {@code current->real_parent->tgid}
     * @param uid the real user id
     * @param mntns {@code current->nsproxy->mnt_ns->ns.inum}
     * @param comm the new program's name
     * @param pcomm the parent's name
     * @param filename the path handed to exec
     */
    public record Event(@U64 long timestamp, @U32 int pid, @U32 int ppid, @U32 int uid, @U32 int mntns,
                        @Chars(16) byte[] comm, @Chars(16) byte[] pcomm, @Chars(256) byte[] filename) {
    }

    /** Where sched/sched_process_exec's record keeps its {@code __data_loc char[] filename} (checked at attach). */
    public static final int FILENAME_LOC = 8;
    /** Option slots: uid + 1 (0: every user), cgroup id (0: every cgroup), events dropped (the ring was full). */
    static final int UID = 0;
    static final int CGROUP = 1;
    static final int DROPPED = 2;

    // tag::compiled-exec[]
    static final RingBuffer<Event> EVENTS = RingBuffer.of("exec_events", Event.class, ExecTracer.RING_BYTES);
    static final LongArrayMap OPTIONS = LongArrayMap.of("exec_options", 3);

    /** sched/sched_process_exec: one event per exec, filled in place in the ring buffer. */
    static int onExec(TracepointContext ctx) {
        int uid = Bpf.currentUid();
        long onlyUid = OPTIONS.get(UID);
        if (onlyUid != 0 && onlyUid != Integer.toUnsignedLong(uid) + 1) {
            return 0;                                                // --uid: another user
        }
        long onlyCgroup = OPTIONS.get(CGROUP);
        if (onlyCgroup != 0 && Bpf.currentCgroupId() != onlyCgroup) {
            return 0;                                                // --cgroup: another cgroup
        }
        Reservation<Event> e = EVENTS.reserve();
        if (e == null) {
            OPTIONS.add(DROPPED, 1);                                 // the ring is full: count the loss
            return 0;
        }
        e.set(Event::timestamp, Bpf.ktimeGetNs());
        e.set(Event::pid, Bpf.currentPid());
        e.set(Event::ppid, (int) Bpf.currentTask("real_parent->tgid"));
        e.set(Event::uid, uid);
        e.set(Event::mntns, (int) Bpf.currentTask("nsproxy->mnt_ns->ns.inum"));
        e.set(Event::comm, Bpf.currentComm());
        e.set(Event::pcomm, Bpf.currentTaskBytes("real_parent->comm"));
        e.set(Event::filename, ctx.dataLocString(FILENAME_LOC, ExecPrograms.FILENAME_SIZE));
        e.submit(Reservation.NO_WAKEUP);                             // the reader polls every 100 ms
        return 0;
    }
    // end::compiled-exec[]
}
