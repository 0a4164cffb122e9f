package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.compiler.JvmKernel;
import io.bpf4j.compiler.TracepointContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** execsnoop's compiled tracer run as plain Java: its options, its fields, its full ring. */
class CompiledExecTracerTest {
    @BeforeEach
    void reset() {
        CompiledExecTracer.EVENTS.drain();
        CompiledExecTracer.OPTIONS.clear();
        JvmKernel.current().reset().pidTgid(4242L << 32 | 4243).uidGid(1000).comm("ls").clock(77)
                .taskField("real_parent->tgid", 4200).taskField("nsproxy->mnt_ns->ns.inum", 4026531841L)
                .taskBytes("real_parent->comm", comm("bash")).cgroupId(99);
    }

    private static byte[] comm(String s) {
        byte[] b = new byte[16];
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, b, 0, s.length());
        return b;
    }

    /** sched_process_exec's record: the common fields, then filename's __data_loc at 8, the string at 24. */
    private static TracepointContext execRecord(String filename) {
        byte[] name = (filename + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(24 + name.length).order(ByteOrder.nativeOrder());
        b.putInt(CompiledExecTracer.FILENAME_LOC, name.length << 16 | 24);
        b.put(24, name);
        return TracepointContext.of(b.array());
    }

    @Test
    void everyFieldComesFromTheKernelAndTheRecord() {
        CompiledExecTracer.onExec(execRecord("/usr/bin/ls"));
        List<CompiledExecTracer.Event> events = CompiledExecTracer.EVENTS.drain();
        assertEquals(1, events.size());
        CompiledExecTracer.Event e = events.get(0);
        assertEquals(77, e.timestamp());
        assertEquals(4242, e.pid());
        assertEquals(4200, e.ppid());
        assertEquals(1000, e.uid());
        assertEquals((int) 4026531841L, e.mntns());
        assertArrayEquals(comm("ls"), e.comm());
        assertArrayEquals(comm("bash"), e.pcomm());
        assertEquals("/usr/bin/ls", new String(e.filename(), StandardCharsets.UTF_8).split("\0")[0]);
    }

    @Test
    void theUidAndCgroupOptionsDropOtherExecs() {
        CompiledExecTracer.OPTIONS.put(CompiledExecTracer.UID, 0 + 1);        // only root
        CompiledExecTracer.onExec(execRecord("/bin/a"));
        assertEquals(0, CompiledExecTracer.EVENTS.drain().size());
        CompiledExecTracer.OPTIONS.put(CompiledExecTracer.UID, 1000 + 1);
        CompiledExecTracer.OPTIONS.put(CompiledExecTracer.CGROUP, 98);
        CompiledExecTracer.onExec(execRecord("/bin/b"));
        assertEquals(0, CompiledExecTracer.EVENTS.drain().size());
        CompiledExecTracer.OPTIONS.put(CompiledExecTracer.CGROUP, 99);
        CompiledExecTracer.onExec(execRecord("/bin/c"));
        assertEquals(1, CompiledExecTracer.EVENTS.drain().size());
    }

    @Test
    void aFullRingCountsTheEventsItDrops() {
        int fit = ExecTracer.RING_BYTES / (8 + 8 + 4 * 4 + 16 + 16 + 256);   // header + 320-byte record
        for (int i = 0; i < fit + 5; i++) {
            CompiledExecTracer.onExec(execRecord("/bin/true"));
        }
        assertEquals(fit, CompiledExecTracer.EVENTS.drain().size());
        assertEquals(5, CompiledExecTracer.OPTIONS.get(CompiledExecTracer.DROPPED));
    }
}
