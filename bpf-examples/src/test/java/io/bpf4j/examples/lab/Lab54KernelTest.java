package io.bpf4j.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.structs.Chars;
import io.bpf4j.structs.RecordCodec;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.U32;
import io.bpf4j.structs.U64;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lab 5.4, Part 4, against the kernel: the tracer of Parts 2 and 3 loaded, attached and read.
 * The tagged regions are code blocks of docs/lab-5-4-in-java.md.
 */
@KernelTest
class Lab54KernelTest {
    // tag::task4_1[]
    /** Loads the Task 3.1 program and attaches it; returns what to close, link first. */
    static List<AutoCloseable> createExecTracer(BpfMap ringbuf) {
        // The ring buffer has its fd already: the program refers to it directly.
        ProbeProgram probe = Lab54Test.execEntryHandler(ringbuf);
        BpfProgram prog = BpfProgram.load(ProgramSpec.kprobe("exec_trace", probe.program())
                .license("GPL"));                             // probe_read helpers need GPL
        try {
            return List.of(prog.attachKprobe("do_execveat_common"), prog);
        } catch (BpfException noKprobe) {
            prog.close();
            // Kernels without kprobes (CONFIG_KPROBES off): the same body on the
            // sched/sched_process_exec tracepoint sees the same execs.
            System.err.println("no kprobe (" + noKprobe.getMessage() + "): using sched/sched_process_exec");
            Program body = Program.builder().with(b -> Lab54Test.sendExecEvent(b, ringbuf)).build();
            BpfProgram tp = BpfProgram.load(ProgramSpec.tracepoint("exec_trace", body).license("GPL"));
            return List.of(tp.attachTracepoint("sched", "sched_process_exec"), tp);
        }
    }
    // end::task4_1[]

    // tag::task4_2[]
    /** The event as a Java record: annotations give each component its C type. */
    record ProcessExecEvent(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
                            @Chars(16) String comm) {
    }

    static final RecordCodec<ProcessExecEvent> CODEC = StructLayout.codec(ProcessExecEvent.class);

    static ProcessExecEvent parseExecEvent(ByteBuffer data) {
        return CODEC.decode(data, 0);                         // offsets 0, 8, 12, 16, 20, 24
    }

    static void runTracer(Duration duration, Consumer<ProcessExecEvent> out) throws Exception {
        try (BpfMap ringbuf = BpfMap.create(MapSpec.ringBuf("exec_events", 256 * 1024))) {
            List<AutoCloseable> tracer = createExecTracer(ringbuf);
            try (RingBufferReader reader = RingBufferReader.open(ringbuf)) {
                long end = System.nanoTime() + duration.toNanos();
                while (System.nanoTime() - end < 0) {
                    reader.poll(Duration.ofMillis(100), data -> out.accept(parseExecEvent(data)));
                }
            } finally {
                for (AutoCloseable c : tracer) {
                    c.close();                                // detach, then unload
                }
            }
        }
    }
    // end::task4_2[]

    @Test
    void part3ProgramsPassTheVerifier() {
        try (BpfMap ringbuf = BpfMap.create(MapSpec.ringBuf("exec_events", 256 * 1024));
             BpfMap failures = BpfMap.create(MapSpec.array("exec_failures", Long.BYTES, 1))) {
            for (ProbeProgram p : List.of(Lab54Test.execEntryHandler(ringbuf), Lab54Test.execReturnHandler(failures))) {
                try (BpfProgram loaded = BpfProgram.load(ProgramSpec.kprobe(p.name(), p.program()).license("GPL"))) {
                    assertTrue(loaded.fd() > 0);
                }
            }
        }
    }

    @Test
    void theRecordIsTheSameLayoutAsTask1() {
        assertEquals(Lab54Test.PROCESS_EXEC_EVENT.size(), CODEC.layout().size());
        for (String f : List.of("timestamp", "pid", "tgid", "uid", "ppid", "comm")) {
            assertEquals(Lab54Test.PROCESS_EXEC_EVENT.offset(f), CODEC.layout().offset(f), f);
        }
    }

    @Test
    void theTracerSeesExecsStartedMeanwhile() throws Exception {
        List<ProcessExecEvent> events = new CopyOnWriteArrayList<>();
        List<Long> pids = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        // Start /bin/true again and again while the tracer runs: those started once it is
        // attached must show up (how long attaching takes does not matter).
        Thread runner = new Thread(() -> {
            try {
                while (!done.get()) {
                    Process p = new ProcessBuilder("/bin/true").start();
                    pids.add(p.pid());
                    p.waitFor();
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        runner.start();
        try {
            runTracer(Duration.ofSeconds(2), events::add);
        } finally {
            done.set(true);
            runner.join();
        }
        // Each child execs twice (the JVM's jspawnhelper, then true); comm is the new program's name at the
        // tracepoint and still the caller's at the kprobe (where the kernel has kprobes), so the pid decides.
        List<ProcessExecEvent> ours = events.stream().filter(e -> pids.contains((long) e.tgid()))
                .collect(Collectors.toList());
        assertFalse(ours.isEmpty(), "no event for any of " + pids + " in " + events);
        for (ProcessExecEvent e : ours) {
            assertEquals(e.pid(), e.tgid());
            assertEquals(0, e.uid());
            assertTrue(e.timestamp() > 0);
        }
    }
}
