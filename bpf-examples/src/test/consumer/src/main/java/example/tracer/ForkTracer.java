package example.tracer;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;

import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.kprobe.TracepointProbe;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.StructValue;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reports the fork of a child it starts: the sched/sched_process_fork tracepoint copies the
 * parent's and the child's fixed {@code char comm[16]} fields and the child's pid into a ring
 * buffer. Prints {@code fork parent_comm=... child_pid=N} and exits 0 once its own child's fork
 * arrives, 3 if it never does.
 */
public final class ForkTracer {
    static final StructLayout FORK = StructLayout.builder("Fork")
            .u32("child_pid").chars("parent_comm", 16).chars("child_comm", 16)
            .build();

    public static void main(String[] args) throws Exception {
        try (BpfMap events = BpfMap.create(MapSpec.ringBuf("fork_events", 64 * 1024))) {
            ProbeProgram probe = TracepointProbe.of("sched", "sched_process_fork")
                    .field("child_pid", R7)
                    .body((b, ctx) -> b
                            .ringbufReserve(events, FORK.size())
                            .jeq(R0, 0, "out")
                            .mov64(R6, R0)
                            .append(FORK.store("child_pid", R6, R7))
                            .append(ctx.readString("parent_comm", R6, FORK.offset("parent_comm"), 16))
                            .append(ctx.readString("child_comm", R6, FORK.offset("child_comm"), 16))
                            .ringbufSubmit(R6, 0)
                            .label("out").mov64(R0, 0).exit())
                    .build();
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of(probe).license("GPL").maps(events));
                 BpfLink link = prog.attach();
                 RingBufferReader reader = RingBufferReader.open(events)) {
                Process child = new ProcessBuilder("/bin/true").start();
                long pid = child.pid();
                child.waitFor();
                AtomicReference<StructValue> mine = new AtomicReference<>();
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (mine.get() == null && System.nanoTime() - end < 0) {
                    reader.poll(Duration.ofMillis(100), rec -> {
                        StructValue v = FORK.decode(rec);
                        if (v.getInt("child_pid") == pid) {
                            mine.set(v);
                        }
                    });
                }
                if (mine.get() == null) {
                    System.out.println("no fork event for child " + pid);
                    System.exit(3);
                }
                System.out.println("fork parent_comm=" + mine.get().getString("parent_comm")
                        + " child_pid=" + pid + " child_comm=" + mine.get().getString("child_comm"));
            }
        }
    }
}
