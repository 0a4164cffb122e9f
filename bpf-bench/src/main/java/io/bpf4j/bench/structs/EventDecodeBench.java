package io.bpf4j.bench.structs;

import io.bpf4j.structs.Chars;
import io.bpf4j.structs.Field;
import io.bpf4j.structs.RecordCodec;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.StructValue;
import io.bpf4j.structs.StructView;
import io.bpf4j.structs.U32;
import io.bpf4j.structs.U64;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding the lab's {@code ProcessExecEvent} (40 bytes: u64 timestamp, u32 pid, tgid, uid,
 * ppid, char comm[16]) as a consumer sees it: 4096 events laid out as in a ring buffer (8-byte
 * header, then the record) in a direct buffer, one event per operation, round robin.
 * {@code flyweight} reads every field through a reused {@link StructView} and measures the
 * comm without making a String (goal: 0 B/op); {@code record} decodes into a Java record through
 * {@link RecordCodec} (the record, its comm String and the String's bytes); {@code value}
 * decodes into a generic {@link StructValue}. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per event.
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar EventDecodeBench -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventDecodeBench {
    /** The lab's event. */
    public static final StructLayout EXEC = StructLayout.builder("ProcessExecEvent")
            .u64("timestamp").u32("pid").u32("tgid").u32("uid").u32("ppid").chars("comm", 16)
            .build();

    /** The same event as a Java record: its layout is computed from the annotations. */
    public record ProcessExecEvent(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
                                   @Chars(16) String comm) {
    }

    private static final RecordCodec<ProcessExecEvent> CODEC =
            StructLayout.codec(ProcessExecEvent.class, MethodHandles.lookup());

    private static final int EVENTS = 4096;
    private static final int STRIDE = 8 + 40;

    private ByteBuffer ring;
    private StructView view;
    private Field timestamp;
    private Field pid;
    private Field tgid;
    private Field uid;
    private Field ppid;
    private int next;

    @Setup
    public void setUp() {
        ring = ByteBuffer.allocateDirect(EVENTS * STRIDE).order(ByteOrder.nativeOrder());
        byte[][] names = {"bash".getBytes(StandardCharsets.US_ASCII), "systemd-journald".getBytes(StandardCharsets.US_ASCII),
            "java".getBytes(StandardCharsets.US_ASCII)};
        for (int i = 0; i < EVENTS; i++) {
            int base = i * STRIDE;
            ring.putInt(base, 40);                       // ring-buffer header: length, page offset
            int r = base + 8;
            ring.putLong(r, 1_000_000_000L + i);
            ring.putInt(r + 8, 1000 + i);
            ring.putInt(r + 12, 1000 + i);
            ring.putInt(r + 16, i % 3 == 0 ? 0 : 1000);
            ring.putInt(r + 20, 1);
            byte[] n = names[i % names.length];
            for (int k = 0; k < 16; k++) {
                ring.put(r + 24 + k, k < n.length ? n[k] : 0);
            }
        }
        if (CODEC.layout().size() != EXEC.size()) {
            throw new IllegalStateException("record layout " + CODEC.layout() + " differs from " + EXEC);
        }
        view = EXEC.view();
        timestamp = EXEC.field("timestamp");
        pid = EXEC.field("pid");
        tgid = EXEC.field("tgid");
        uid = EXEC.field("uid");
        ppid = EXEC.field("ppid");
    }

    private int nextOffset() {
        int i = next;
        next = i + 1 == EVENTS ? 0 : i + 1;
        return i * STRIDE + 8;
    }

    /** Every field through the reused flyweight; the comm's length instead of a String. */
    @Benchmark
    public long flyweight() {
        StructView v = view.wrap(ring, nextOffset());
        return v.getLong(timestamp) + v.getInt(pid) + v.getInt(tgid) + v.getInt(uid) + v.getInt(ppid)
                + v.stringLength("comm");
    }

    /** The whole event into a record (comm as a String). */
    @Benchmark
    public ProcessExecEvent record() {
        return CODEC.decode(ring, nextOffset());
    }

    /** The whole event into a generic value. */
    @Benchmark
    public StructValue value() {
        return EXEC.decode(ring, nextOffset());
    }
}
