package io.bpf4j.bench.asm;

import io.bpf4j.core.Disassembler;
import io.bpf4j.core.Program;
import io.bpf4j.core.TextAssembler;
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
 * Disassembly and re-parsing, on 10,000 instructions of the same shape as the 1 M program
 * ({@link Programs#large(int)}): {@code disassemble} turns bytecode into the verifier-syntax
 * listing, {@code parse} reads that listing back into a {@link Program}, {@code reassemble}
 * reads it back and assembles it to bytes again. One operation is one instruction: scores are
 * instructions per second, {@code gc.alloc.rate.norm} bytes per instruction.
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar DisassembleBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DisassembleBench {
    /** Instructions in the program disassembled and parsed. */
    public static final int INSNS = 10_000;

    private byte[] bytecode;
    private String listing;
    private ByteOrder order;

    @Setup
    public void setUp() {
        order = ByteOrder.nativeOrder();
        bytecode = Programs.large(INSNS).assemble(order);
        listing = Disassembler.disassemble(bytecode, order);
    }

    /** Bytecode to verifier-syntax text. */
    @Benchmark
    @OperationsPerInvocation(INSNS)
    public String disassemble() {
        return Disassembler.disassemble(bytecode, order);
    }

    /** Verifier-syntax text back to instructions. */
    @Benchmark
    @OperationsPerInvocation(INSNS)
    public Program parse() {
        return TextAssembler.parse(listing);
    }

    /** Text back to instructions and on to bytecode: the other half of the round trip. */
    @Benchmark
    @OperationsPerInvocation(INSNS)
    public byte[] reassemble() {
        return TextAssembler.assemble(listing, order);
    }
}
