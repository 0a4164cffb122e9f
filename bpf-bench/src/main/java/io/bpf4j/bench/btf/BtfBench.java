package io.bpf4j.bench.btf;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The running kernel's BTF, as the libbpf reference ({@code src/reference/btf_ref.c}) measures
 * it: read and parse {@code /sys/kernel/btf/vmlinux} (≈127k types, 5.5 MB), then resolve the byte
 * offsets of {@code task_struct.real_parent} and {@code task_struct.tgid}. One operation is the
 * whole thing, from the file. {@code parseAndResolve} is what a program does (bpf4j's parser is
 * lazy: it indexes where each type starts and decodes only what the lookups touch);
 * {@code parseValidateAndResolve} also decodes and checks every type first, the work libbpf's
 * {@code btf__load_vmlinux_btf} does eagerly. Needs a kernel with {@code CONFIG_DEBUG_INFO_BTF}
 * (readable without root).
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar BtfBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class BtfBench {
    @Setup
    public void check() {
        if (!Files.isReadable(Btf.VMLINUX)) {
            throw new IllegalStateException("BTF benchmark skipped: " + Btf.VMLINUX
                    + " is missing or unreadable (needs CONFIG_DEBUG_INFO_BTF=y)");
        }
    }

    /** Parse (lazily) and resolve the two offsets the lab needs. */
    @Benchmark
    public long parseAndResolve() throws IOException {
        Btf btf = Btf.load(Btf.VMLINUX);
        return btf.offsetOf("task_struct", "real_parent") << 32 | btf.offsetOf("task_struct", "tgid");
    }

    /** Parse, decode and check every type, then resolve: libbpf's eager amount of work. */
    @Benchmark
    public long parseValidateAndResolve() throws IOException {
        Btf btf = Btf.load(Btf.VMLINUX).validate();
        return btf.offsetOf("task_struct", "real_parent") << 32 | btf.offsetOf("task_struct", "tgid");
    }
}
