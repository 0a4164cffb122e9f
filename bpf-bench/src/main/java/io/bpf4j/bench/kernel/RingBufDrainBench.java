package io.bpf4j.bench.kernel;

import io.bpf4j.bench.KernelAccess;
import io.bpf4j.ringbuf.RawRecordHandler;
import io.bpf4j.ringbuf.RecordHandler;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.syscall.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ring-buffer drain throughput: before each invocation (untimed) the {@link Producer} fills the
 * 16 MiB ring with {@value #RECORDS} records of {@code size} bytes with
 * {@code BPF_RB_NO_WAKEUP}; the invocation (timed) drains them all in one call. One operation
 * is one record, so the score is records per second and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is bytes allocated per record. Every handler does what libbpf's
 * callback in the reference does: read the u64 sequence number and check it follows the last;
 * after each invocation the count and the sequence are verified (untimed).
 *
 * <p>Read modes: {@code zeroCopy} ({@link RawRecordHandler}: buffer, offset, length in place),
 * {@code view} ({@link RecordHandler}: a read-only buffer per record), {@code copying}
 * ({@link RawRecordHandler#copying}: a heap copy per record) and {@code pull}
 * ({@link RingBufferReader#read(ByteBuffer)} into the caller's buffer, one call per record).
 *
 * <pre>{@code
 * sudo java -jar bpf-bench/target/benchmarks.jar RingBufDrainBench -p size=16 -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RingBufDrainBench {
    /** Records per drain, at every size (48,000 × 264 B fills 12.7 of the 16 MiB at 256 B). */
    public static final int RECORDS = 48_000;

    @Param({"16", "64", "256"})
    public int size;

    private BpfMap ring;
    private Producer producer;
    private RingBufferReader reader;
    private final ByteBuffer pulled = ByteBuffer.allocateDirect(512).order(ByteOrder.nativeOrder());
    private long nextSeq;
    private long seen;
    private long outOfOrder;
    private final RawRecordHandler zeroCopy = (data, offset, length) -> check(data.getLong(offset));
    private final RecordHandler view = rec -> check(rec.getLong(0));
    private final RawRecordHandler copying = RawRecordHandler.copying(rec -> check(rec.getLong(0)));

    private void check(long seq) {
        if (seq != nextSeq) {
            outOfOrder++;
        }
        nextSeq = seq + 1;
        seen++;
    }

    @Setup(Level.Trial)
    public void open() {
        KernelAccess.require();
        ring = Producer.createRing("bench_drain");
        producer = Producer.load(ring);
        reader = RingBufferReader.open(ring);
    }

    @Setup(Level.Invocation)
    public void fill() {
        seen = 0;
        long dropped = producer.emit(RECORDS, size, nextSeq, Producer.NO_WAKEUP);
        if (dropped != 0) {
            throw new IllegalStateException(dropped + " records dropped: the ring was not empty");
        }
    }

    @TearDown(Level.Invocation)
    public void verify() {
        if (seen != RECORDS || outOfOrder != 0) {
            throw new IllegalStateException("drained " + seen + " of " + RECORDS + " records, " + outOfOrder
                    + " out of sequence");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (reader != null) {
            reader.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (ring != null) {
            ring.close();
        }
    }

    /** In place: (buffer, offset, length), nothing allocated. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int zeroCopy() {
        return reader.consume(zeroCopy);
    }

    /** A read-only buffer view per record. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int view() {
        return reader.consume(view);
    }

    /** A heap copy per record. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int copying() {
        return reader.consume(copying);
    }

    /** One {@code read} call per record into the caller's buffer. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int pull() {
        int n = 0;
        while (true) {
            pulled.clear();
            if (reader.read(pulled) <= 0) {
                return n;
            }
            check(pulled.getLong(0));
            n++;
        }
    }
}
