package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.structs.StructValue;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's exec tracer end to end on this kernel: kprobes are off, so the same body runs on
 * {@code sched/sched_process_exec}; its 40-byte events come back through the ring buffer and
 * decode with the lab's layout.
 */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class LabExecTracerKernelTest {
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int getuid();
    }

    @Test
    void execOfAChildIsReportedWithItsPidParentUidAndComm(@TempDir Path dir) throws Exception {
        Path exe = dir.resolve("bpf4j-exec-probe");
        Files.copy(Path.of("/bin/true"), exe, StandardCopyOption.COPY_ATTRIBUTES);
        long self = ProcessHandle.current().pid();
        List<StructValue> events = new ArrayList<>();
        long child;
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuf("exec_events", 256 * 1024))) {
            ProbeProgram p = LabExecTracer.onTracepoint(ring, Btf.kernel());
            try (BpfProgram prog = Loading.load(p); BpfLink link = Loading.attach(prog, p);
                 RingBufferReader reader = RingBufferReader.open(ring)) {
                Process proc = new ProcessBuilder(exe.toString()).start();
                assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "child exited");
                child = proc.pid();
                reader.consume(rec -> events.add(LabExecTracer.EXEC.decode(rec.order(ByteOrder.nativeOrder()))));
                StructValue ev = events.stream().filter(e -> e.getLong("pid") == child
                        && e.getString("comm").equals("bpf4j-exec-prob")).findFirst()
                        .orElseThrow(() -> new AssertionError("no exec event of pid " + child + " among " + events));
                assertEquals(child, ev.getLong("tgid"));
                assertEquals(self, ev.getLong("ppid"), "real_parent->tgid of the child is this JVM");
                assertEquals(LibC.INSTANCE.getuid(), ev.getLong("uid"));
                assertTrue(ev.getLong("timestamp") > 0, ev.toString());
                System.out.println("exec event: " + ev);
            }
        }
    }
}
