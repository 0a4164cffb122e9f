package io.bpf4j.bench.asm;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Assembly throughput. {@code assembleMillion}: a prebuilt program of 1,000,000 instructions with
 * a label every 10 and forward and backward jumps, to bytes; one operation is one instruction, so
 * the score is instructions per second and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes
 * allocated per instruction (the 8-byte output slot included). {@code buildAndAssembleLab}: the
 * lab's exec tracer built through the fluent API and assembled; one operation is one program.
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar AssembleBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AssembleBench {
    /** Instructions in the large program. */
    public static final int MILLION = 1_000_000;

    private Program large;
    private Architecture arch;
    private MapReference events;
    private ByteOrder order;

    @Setup
    public void setUp() {
        large = Programs.large(MILLION);
        arch = Architectures.current();
        events = MapReference.named("exec_events");
        order = ByteOrder.nativeOrder();
    }

    /** (a) 1 M instructions to bytes: score in instructions/s. */
    @Benchmark
    @OperationsPerInvocation(MILLION)
    public byte[] assembleMillion() {
        return large.assemble(order);
    }

    /** (b) the lab's exec tracer, built and assembled: score in programs/s. */
    @Benchmark
    public byte[] buildAndAssembleLab() {
        return Programs.labExecTracer(arch, events).assemble(order);
    }
}
