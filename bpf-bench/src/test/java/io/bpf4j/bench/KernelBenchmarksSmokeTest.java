package io.bpf4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.bench.kernel.DrainRounds;
import io.bpf4j.bench.kernel.PollLatency;
import io.bpf4j.syscall.Cpus;
import io.bpf4j.syscall.testing.KernelTest;
import java.util.Collection;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The kernel benchmarks, each run once for a moment (as {@link BenchmarksSmokeTest} does for the
 * others): the ring-buffer drain in every read mode and size, the wake-up latency runner and the
 * side-by-side drain procedure, with a few records or samples. Proves they load their producer,
 * read every record in order and print their line; times nothing.
 */
@KernelTest
class KernelBenchmarksSmokeTest {

    @Test
    void everyDrainBenchmarkRunsOneShortIteration() throws RunnerException {
        Collection<RunResult> results = new Runner(BenchmarksSmokeTest.smoke("io\\.bpf4j\\.bench\\.kernel\\..*").build())
                .run();
        assertEquals(Set.of("kernel.RingBufDrainBench.zeroCopy", "kernel.RingBufDrainBench.view",
                "kernel.RingBufDrainBench.copying", "kernel.RingBufDrainBench.pull",
                "kernel.MapLookupBench.lookup", "kernel.MapLookupBench.useCount", "kernel.SpinLookBench.lookOnly",
                "kernel.SpinLookBench.lookWithSpinWait"), BenchmarksSmokeTest.names(results));
        assertEquals(12 + 2 + 2, results.size(),
                "4 read modes x 3 record sizes, the map lookup with and without a use count, 2 spin looks");
        BenchmarksSmokeTest.assertAllScored(results);
    }

    @Test
    void latencyRunnerPrintsPercentilesInBothModes() throws InterruptedException {
        int[] cpus = Cpus.allowed();
        for (boolean busy : new boolean[] {false, true}) {
            String pinned = busy && cpus.length >= 2 ? cpus[0] + "," + cpus[1] : "no";
            String line = PollLatency.run(busy, 200);
            assertTrue(line.matches("latency mode=(epoll|busy-poll) samples=200 p50_us=\\S+ p90_us=\\S+ p99_us=\\S+ max_us=\\S+"
                    + " pinned=" + pinned), line);
        }
        assertArrayEquals(cpus, Cpus.allowed(), "the spinning thread's CPUs are restored");
    }

    @Test
    void sideBySideDrainReadsEveryRecordInOrder() {
        String line = DrainRounds.run(64, 1000, 2);
        assertTrue(line.startsWith("drain size=64 records=1000 rounds=2 ") && line.endsWith(" seq_errors=0"), line);
    }
}
