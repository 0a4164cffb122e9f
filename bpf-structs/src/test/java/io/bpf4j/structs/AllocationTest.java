package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Allocation per decoded event, counted by the JVM's per-thread allocation counter (bytes, not
 * time; bpf-bench's JMH run with {@code -prof gc} gives the precise figure). The bounds are loose
 * enough for any JIT state yet fail at once if a decode allocates per field or boxes.
 */
class AllocationTest {
    record Exec(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
                @Chars(16) String comm) {
    }

    static final int EVENTS = 20_000;

    private static long allocatedBy(IntSupplier work) {
        // looked up reflectively: the test is compiled inside module io.bpf4j.structs, which does
        // not read java.management, and runs on the class path, where everything is readable
        Object mx;
        MethodHandle allocated;
        try {
            mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> sunMx = Class.forName("com.sun.management.ThreadMXBean");
            Assumptions.assumeTrue(sunMx.isInstance(mx), "this JVM has no per-thread allocation counter: skipped");
            allocated = MethodHandles.publicLookup()
                    .findVirtual(sunMx, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                    .asType(MethodType.methodType(long.class, Object.class, long.class));
        } catch (ReflectiveOperationException e) {
            Assumptions.abort("no thread allocation counter (" + e + "): skipped");
            return 0;
        }
        long tid = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 5; i++) {
            sink += work.getAsInt();   // warm up: LambdaForms spun, accessors compiled
        }
        long before = read(allocated, mx, tid);
        sink += work.getAsInt();
        long after = read(allocated, mx, tid);
        assertTrue(sink != 42, "keeps the work alive");
        return after - before;
    }

    private static long read(MethodHandle allocated, Object mx, long tid) {
        try {
            return (long) allocated.invokeExact(mx, tid);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static ByteBuffer events(boolean direct) {
        ByteBuffer buf = (direct ? ByteBuffer.allocateDirect(40 * 64) : ByteBuffer.allocate(40 * 64))
                .order(ByteOrder.nativeOrder());
        for (int i = 0; i < 64; i++) {
            buf.putLong(i * 40, i).putInt(i * 40 + 8, 1000 + i).put(i * 40 + 24, "bash".getBytes());
        }
        return buf;
    }

    @Test
    void flyweightReadsAllocateNothing() {
        ByteBuffer buf = events(true);
        StructView view = LabEventTest.EXEC.view();
        Field pid = LabEventTest.EXEC.field("pid");
        long bytes = allocatedBy(() -> {
            int sum = 0;
            for (int i = 0; i < EVENTS; i++) {
                view.wrap(buf, (i & 63) * 40);
                sum += (int) view.getU32("pid") + view.getInt(pid) + (int) view.getLong("timestamp")
                        + view.stringLength("comm");
            }
            return sum;
        });
        System.out.println("flyweight: " + bytes + " bytes allocated for " + EVENTS + " events");
        assertTrue(bytes < EVENTS, bytes + " bytes for " + EVENTS + " events: the flyweight allocates per event");
    }

    @Test
    void recordDecodeAllocatesOnlyTheRecord() {
        ByteBuffer buf = events(true);
        RecordCodec<Exec> codec = StructLayout.codec(Exec.class);
        assertEquals("bash", codec.decode(buf, 0).comm());
        long bytes = allocatedBy(() -> {
            int sum = 0;
            for (int i = 0; i < EVENTS; i++) {
                sum += codec.decode(buf, (i & 63) * 40).pid();
            }
            return sum;
        });
        double perEvent = (double) bytes / EVENTS;
        System.out.println("record decode: " + perEvent + " bytes per event");
        // the record: 12-16 header + 8 + 4 * 4 + a reference = 40 bytes; its comm, a repeated
        // command name, comes from the cache of recent strings (a new one would add 48 bytes)
        assertTrue(perEvent <= 48, perEvent + " bytes per event: more than the record itself");
    }
}
