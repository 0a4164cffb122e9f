package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.ringbuf.RecordHandler;
import io.bpf4j.structs.RecordCodec;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The compiled exec tracer and the hand-built one (DSL), attached side by side to
 * sched/sched_process_exec, see the same exec: their events are equal field by field but the
 * timestamp, and the fields are right for the child this test starts.
 */
@KernelTest
class ExecTracerKernelTest {
    private static final RecordCodec<Programs.ExecEvent> CODEC = StructLayout.codec(Programs.ExecEvent.class);

    @Test
    void compiledAndHandBuiltTracersReportTheSameExecFieldByField() throws Exception {
        // tag::load[]
        CompiledProgram compiled = BpfCompiler.create().compile(Programs.class, "onExec");
        // end::load[]
        sameExecAsTheHandBuiltTracer(compiled);
    }

    @Test
    void theTracerThatFillsItsRecordInPlaceReportsTheSameExecAsTheHandBuiltOne() throws Exception {
        sameExecAsTheHandBuiltTracer(BpfCompiler.create().compile(Programs.class, "onExecReserved"));
    }

    @SuppressWarnings("try")                               // the links only need to be open while the child runs
    private static void sameExecAsTheHandBuiltTracer(CompiledProgram compiled) throws Exception {
        try (Kernels k = new Kernels(compiled);
             BpfMap dslEvents = BpfMap.create(MapSpec.ringBuf("dsl_events", 256 * 1024));
             BpfProgram dsl = BpfProgram.load(ProgramSpec.tracepoint("dsl_exec", DslPrograms.exec(Btf.kernel(), dslEvents))
                     .license("GPL").maps(dslEvents));
             RingBufferReader compiledReader = RingBufferReader.open(k.map("exec_events"));
             RingBufferReader dslReader = RingBufferReader.open(dslEvents);
             BpfLink l1 = k.program.attachTracepoint("sched", "sched_process_exec");
             BpfLink l2 = dsl.attachTracepoint("sched", "sched_process_exec")) {
            Process child = new ProcessBuilder("/bin/true").start();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            int pid = (int) child.pid();
            Programs.ExecEvent a = find(compiledReader, pid);
            Programs.ExecEvent b = find(dslReader, pid);
            assertNotNull(a, "the compiled tracer saw no exec of pid " + pid);
            assertNotNull(b, "the hand-built tracer saw no exec of pid " + pid);
            assertEquals(b.pid(), a.pid());
            assertEquals(b.tgid(), a.tgid());
            assertEquals(b.uid(), a.uid());
            assertEquals(b.ppid(), a.ppid());
            assertArrayEquals(b.comm(), a.comm());
            assertTrue(Math.abs(a.timestamp() - b.timestamp()) < 1_000_000_000L, a.timestamp() + " vs " + b.timestamp());
            // And they are right: the child's process, its parent is this JVM, the name is "true".
            assertEquals(pid, a.tgid());
            assertEquals(ProcessHandle.current().pid(), a.ppid());
            assertEquals(0, a.uid(), "kernel tests run as root");
            assertEquals("true", new String(a.comm(), StandardCharsets.US_ASCII).split("\0")[0]);
        }
    }

    /** The event of {@code tgid}'s exec of true, or null after 5 s (other processes' execs are skipped). */
    private static Programs.ExecEvent find(RingBufferReader reader, int tgid) {
        Programs.ExecEvent[] found = new Programs.ExecEvent[1];
        RecordHandler h = rec -> {
            Programs.ExecEvent e = CODEC.decode(rec, 0);
            // The JVM may exec a helper (jspawnhelper) in the child first: the exec of "true" is the one.
            if (e.tgid() == tgid && found[0] == null && new String(e.comm(), StandardCharsets.US_ASCII).startsWith("true\0")) {
                found[0] = e;
            }
        };
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (found[0] == null && System.nanoTime() < deadline) {
            reader.poll(Duration.ofMillis(100), h);
        }
        return found[0];
    }
}
