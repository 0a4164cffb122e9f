package io.bpf4j.bench.compiler;

import io.bpf4j.compiler.Bpf;
import io.bpf4j.compiler.LongArrayMap;
import io.bpf4j.compiler.LongHashMap;
import io.bpf4j.compiler.PtRegs;
import io.bpf4j.compiler.Reservation;
import io.bpf4j.compiler.RingBuffer;
import io.bpf4j.compiler.SyscallContext;
import io.bpf4j.compiler.TracepointContext;
import io.bpf4j.compiler.XdpContext;
import io.bpf4j.structs.Chars;
import io.bpf4j.structs.U32;
import io.bpf4j.structs.U64;

/**
 * The compiler's five acceptance programs (the same methods as bpf-compiler's test
 * {@code Programs}, which bpf-bench cannot see) for {@link CompileBench}: the exec tracer, execs
 * per uid, XDP ports, funclatency's entry and return, and the bounded loop over a path.
 *
 * <pre>{@code
 * BpfCompiler.create().compile(CompilerPrograms.class, "onExec");
 * }</pre>
 */
public final class CompilerPrograms {
    private CompilerPrograms() {
    }

    /** The lab's ProcessExecEvent: the same 40 bytes as the hand-built tracer's first fields. */
    record ExecEvent(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
                     @Chars(16) byte[] comm) {
    }

    static final RingBuffer<ExecEvent> EXEC_EVENTS = RingBuffer.of("exec_events", ExecEvent.class, 256 * 1024);

    /** sched/sched_process_exec: one event per exec. */
    static int onExec(TracepointContext ctx) {
        long id = Bpf.currentPidTgid();
        EXEC_EVENTS.output(new ExecEvent(Bpf.ktimeGetNs(), (int) id, (int) (id >>> 32), Bpf.currentUid(),
                (int) Bpf.currentTask("real_parent->tgid"), Bpf.currentComm()));
        return 0;
    }

    /** The same tracer filling its record in place in the ring: reserve, set each field, submit. */
    static int onExecReserved(TracepointContext ctx) {
        Reservation<ExecEvent> e = EXEC_EVENTS.reserve();
        if (e == null) {
            return 0;
        }
        long id = Bpf.currentPidTgid();
        e.set(ExecEvent::timestamp, Bpf.ktimeGetNs());
        e.set(ExecEvent::pid, (int) id);
        e.set(ExecEvent::tgid, (int) (id >>> 32));
        e.set(ExecEvent::uid, Bpf.currentUid());
        e.set(ExecEvent::ppid, (int) Bpf.currentTask("real_parent->tgid"));
        e.set(ExecEvent::comm, Bpf.currentComm());
        e.submit();
        return 0;
    }
    static final LongHashMap EXECS_BY_UID = LongHashMap.of("execs_by_uid", 4, 10240);

    /** sched/sched_process_exec: execs counted per user. */
    static int countExec(TracepointContext ctx) {
        countUid(Bpf.currentUid());
        return 0;
    }

    /** The counting itself, shared with a syscall program the differential test runs. */
    static void countUid(int uid) {
        EXECS_BY_UID.add(uid, 1);
    }

    /** The counter's logic with the uid taken from the context: BPF_PROG_TEST_RUN feeds it. */
    static int countExecTest(SyscallContext ctx) {
        countUid(ctx.u32(0));
        return 0;
    }
    static final LongHashMap UDP_BY_PORT = LongHashMap.of("udp_by_port", 4, 65536);

    /** Counts IPv4/UDP packets per destination port and drops every third one of each port. */
    static int udpPorts(XdpContext ctx) {
        if (!ctx.has(34)) {                                // Ethernet and the smallest IPv4 header
            return XdpContext.XDP_PASS;
        }
        if (ctx.u16(12) != 0x0800) {                       // EtherType IPv4
            return XdpContext.XDP_PASS;
        }
        int versionIhl = ctx.u8(14);
        if (versionIhl >> 4 != 4 || ctx.u8(23) != 17) {   // IPv4 carrying UDP
            return XdpContext.XDP_PASS;
        }
        int udp = 14 + (versionIhl & 0xf) * 4;             // the IP header's length is in the packet
        int port = ctx.u16(udp + 2);
        long seen = UDP_BY_PORT.addAndGet(port, 1);
        return Long.remainderUnsigned(seen, 3) == 0 ? XdpContext.XDP_DROP : XdpContext.XDP_PASS;
    }
    static final LongHashMap LAT_STARTS = LongHashMap.of("lat_starts", 8, 10240);
    static final LongArrayMap LAT_HIST = LongArrayMap.of("lat_hist", 64);

    /** uprobe on the function's entry: note when this thread entered. */
    static int latencyEntry(PtRegs regs) {
        enter(Bpf.currentPidTgid(), Bpf.ktimeGetNs());
        return 0;
    }

    /** uretprobe: add the time spent, in microseconds, to a log2 histogram. */
    static int latencyReturn(PtRegs regs) {
        leave(Bpf.currentPidTgid(), Bpf.ktimeGetNs());
        return 0;
    }

    static void enter(long thread, long now) {
        LAT_STARTS.put(thread, now);
    }

    static void leave(long thread, long now) {
        long start = LAT_STARTS.getOrDefault(thread, 0);
        if (start == 0) {
            return;                                        // entered before we attached
        }
        LAT_HIST.add(Bpf.log2(Long.divideUnsigned(now - start, 1000)), 1);
        LAT_STARTS.remove(thread);
    }

    /** Entry and return driven by the context: {@code u64 thread, u64 now, u32 isReturn}. */
    static int latencyTest(SyscallContext ctx) {
        if (ctx.u32(16) == 0) {
            enter(ctx.u64(0), ctx.u64(8));
        } else {
            leave(ctx.u64(0), ctx.u64(8));
        }
        return 0;
    }
    /** The index of the last '/' in a NUL-terminated path of at most 64 bytes, or -1. */
    static int lastSlash(byte[] path) {
        int last = -1;
        for (int i = 0; i < path.length; i++) {
            if (path[i] == 0) {
                break;
            }
            if (path[i] == '/') {
                last = i;
            }
        }
        return last;
    }

    /** A syscall program over a 64-byte path in its context: returns lastSlash + 1. */
    static int lastSlashTest(SyscallContext ctx) {
        byte[] path = new byte[64];
        ctx.read(0, path);
        return lastSlash(path) + 1;
    }
}
