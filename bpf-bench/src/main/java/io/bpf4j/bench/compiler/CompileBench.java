package io.bpf4j.bench.compiler;

import io.bpf4j.compiler.BpfCompiler;
import io.bpf4j.structs.btf.Btf;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile time of one Java method to BPF, per acceptance program ({@link CompilerPrograms}).
 * {@code cold} is the first compile in a fresh JVM: one single shot per fork, so the compiler's
 * and ASM's classes are loaded, verified and interpreted as a tool that compiles once at start-up
 * sees them. {@code warm} is the steady state of a JVM that has compiled many times. The kernel's
 * BTF (needed by {@code onExec}'s {@code real_parent->tgid}) is parsed in the set-up, outside the
 * timing: it is a cost of its own ({@code BtfBench}).
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar CompileBench
 * }</pre>
 */
@State(Scope.Benchmark)
public class CompileBench {
    /** The method of {@link CompilerPrograms} compiled. */
    @Param({"onExec", "onExecReserved", "countExec", "udpPorts", "latencyReturn", "lastSlashTest"})
    public String program;

    private BpfCompiler compiler;

    /** Parses the running kernel's BTF once, before any timing. */
    @Setup
    public void setUp() throws IOException {
        if (!Files.isReadable(Btf.VMLINUX)) {
            throw new IllegalStateException("compile benchmark skipped: " + Btf.VMLINUX
                    + " is missing or unreadable (needs CONFIG_DEBUG_INFO_BTF=y)");
        }
        compiler = BpfCompiler.create().btf(Btf.load(Btf.VMLINUX));
    }

    /** The first compile of a fresh JVM: each of the 10 forks times exactly one compile. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(10)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public int cold() {
        return compiler.compile(CompilerPrograms.class, program).program().slotCount();
    }

    /** A compile in a JVM that has already compiled for seconds. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(1)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 5, time = 1)
    public int warm() {
        return compiler.compile(CompilerPrograms.class, program).program().slotCount();
    }
}
