package io.bpf4j.bench.kernel;

import io.bpf4j.bench.KernelAccess;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.internal.KernelResource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one map lookup from Java through the allocation-free path
 * ({@link BpfMap#lookup(ByteBuffer, ByteBuffer)} with direct buffers): the syscall, JNA and the
 * use count that keeps a concurrent close from reaching another object. Compare builds with and
 * without a change to see what it costs per lookup; {@code -t 2} shares one map between two
 * threads (the use count is then a contended cache line). {@code useCount} times the use count
 * alone (acquire + release on one resource, no syscall): what every map operation pays for
 * use-vs-close safety, measurable where the syscall's own noise hides it.
 *
 * <pre>{@code
 * sudo java -jar bpf-bench/target/benchmarks.jar MapLookupBench -prof gc
 * sudo java -jar bpf-bench/target/benchmarks.jar MapLookupBench -t 2
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MapLookupBench {
    private BpfMap map;
    /** A resource without an fd (-1: closing it closes nothing): only the use count is timed. */
    private KernelResource counted;

    /** Each thread's own key and value buffers (direct, so nothing is copied or allocated). */
    @State(Scope.Thread)
    public static class Buffers {
        final ByteBuffer key = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(0, 3);
        final ByteBuffer value = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    }

    @Setup(Level.Trial)
    public void open() {
        KernelAccess.require();
        counted = new KernelResource(this, io.bpf4j.syscall.Kernel.system(), "bench", -1);
        map = BpfMap.create(MapSpec.array("bench_lookup", 8, 16));
        ByteBuffer k = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(0, 3);
        ByteBuffer v = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 42);
        map.update(k, v, BpfMap.ANY);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
        counted.close();
    }

    @Benchmark
    public long lookup(Buffers b) {
        if (!map.lookup(b.key, b.value)) {
            throw new IllegalStateException("key 3 missing from " + map);
        }
        return b.value.getLong(0);
    }

    @Benchmark
    public int useCount() {
        int fd = counted.acquire();
        counted.release();
        return fd;
    }
}
