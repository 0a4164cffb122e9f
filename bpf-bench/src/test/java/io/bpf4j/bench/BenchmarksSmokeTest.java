package io.bpf4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark once, in-process, with no warm-up and one very short iteration: it proves
 * each benchmark still compiles, sets up and runs (a broken benchmark fails the build) without
 * timing anything. Real measurements: {@code java -jar bpf-bench/target/benchmarks.jar}.
 */
class BenchmarksSmokeTest {

    static ChainedOptionsBuilder smoke(String include) {
        return new OptionsBuilder()
                .include(include)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    static Set<String> names(Collection<RunResult> results) {
        Set<String> out = new TreeSet<>();
        for (RunResult r : results) {
            out.add(r.getParams().getBenchmark().replaceFirst("^io\\.bpf4j\\.bench\\.", ""));
        }
        return out;
    }

    static void assertAllScored(Collection<RunResult> results) {
        for (RunResult r : results) {
            assertFalse(Double.isNaN(r.getPrimaryResult().getScore()), r.getParams().getBenchmark());
        }
    }

    @Test
    void everyAssemblyBenchmarkRunsOneShortIteration() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke("io\\.bpf4j\\.bench\\.asm\\..*").build()).run();
        assertEquals(Set.of("asm.AssembleBench.assembleMillion", "asm.AssembleBench.buildAndAssembleLab",
                "asm.DisassembleBench.disassemble", "asm.DisassembleBench.parse", "asm.DisassembleBench.reassemble"),
                names(results));
        assertAllScored(results);
    }

    @Test
    void everyBtfBenchmarkRunsOneShortIteration() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke("io\\.bpf4j\\.bench\\.btf\\..*").build()).run();
        assertEquals(Set.of("btf.BtfBench.parseAndResolve", "btf.BtfBench.parseValidateAndResolve"), names(results));
        assertAllScored(results);
    }

    @Test
    void everyDecodingBenchmarkRunsOneShortIteration() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke("io\\.bpf4j\\.bench\\.structs\\..*").build()).run();
        assertEquals(Set.of("structs.EventDecodeBench.flyweight", "structs.EventDecodeBench.record",
                "structs.EventDecodeBench.value"), names(results));
        assertAllScored(results);
    }

    @Test
    void everyDrainCostVariantDrainsTheWholeSimulatedRing() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke("io\\.bpf4j\\.bench\\.drain\\..*").build()).run();
        assertEquals(Set.of("drain.DrainCostBench.reader", "drain.DrainCostBench.serialPositions",
                "drain.DrainCostBench.noCursor", "drain.DrainCostBench.noStopCheck", "drain.DrainCostBench.plainHeaders",
                "drain.DrainCostBench.walkOnly", "drain.DrainCostBench.floor", "drain.DrainCostBench.acquireEach",
                "drain.DrainCostBench.noFence", "drain.DrainCostBench.runsNoCursor",
                "drain.DrainCostBench.runHeadersOnly"), names(results));
        assertEquals(33, results.size(), "11 variants x 3 record sizes");
        assertAllScored(results);
    }

    @Test
    void everyCompilerBenchmarkCompilesEachProgram() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke("io\\.bpf4j\\.bench\\.compiler\\..*").build()).run();
        assertEquals(Set.of("compiler.CompileBench.cold", "compiler.CompileBench.warm"), names(results));
        assertEquals(12, results.size(), "2 modes x 6 programs");
        assertAllScored(results);
    }
}
