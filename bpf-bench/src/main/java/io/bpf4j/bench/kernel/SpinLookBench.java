package io.bpf4j.bench.kernel;

import io.bpf4j.bench.KernelAccess;
import io.bpf4j.ringbuf.RawRecordHandler;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.syscall.BpfMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one look of a spinning consumer costs: {@link RingBufferReader#busyPoll} on an empty ring
 * with a zero timeout looks 64 times (the clock is read once per 64 looks) and returns, so one
 * op = one look: load the producer position (acquire), compare, check for close, and
 * {@code Thread.onSpinWait()} ({@code pause} on x86) or not.
 *
 * <pre>{@code
 * sudo java -jar bpf-bench/target/benchmarks.jar SpinLookBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpinLookBench {
    private static final int LOOKS = 64;

    private BpfMap ring;
    private RingBufferReader reader;
    private final RawRecordHandler none = (data, offset, length) -> {
        throw new IllegalStateException("the ring should be empty");
    };

    @Setup(Level.Trial)
    public void open() {
        KernelAccess.require();
        ring = Producer.createRing("bench_spin");
        reader = RingBufferReader.open(ring);
    }

    @TearDown(Level.Trial)
    public void close() {
        if (reader != null) {
            reader.close();
        }
        if (ring != null) {
            ring.close();
        }
    }

    /** With {@code Thread.onSpinWait()} between looks (the default busy poll). */
    @Benchmark
    @OperationsPerInvocation(LOOKS)
    public int lookWithSpinWait() {
        return reader.busyPoll(Duration.ZERO, Integer.MAX_VALUE, true, none);
    }

    /** Without it: the cost of the look itself. */
    @Benchmark
    @OperationsPerInvocation(LOOKS)
    public int lookOnly() {
        return reader.busyPoll(Duration.ZERO, Integer.MAX_VALUE, false, none);
    }
}
