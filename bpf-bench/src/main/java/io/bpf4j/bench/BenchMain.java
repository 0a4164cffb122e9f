package io.bpf4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar}: JMH's own command line, except that without root the
 * kernel benchmarks are excluded with the reason printed (instead of each failing in its setup).
 *
 * <pre>{@code
 * java -jar bpf-bench/target/benchmarks.jar                    # everything
 * java -jar bpf-bench/target/benchmarks.jar Assemble -prof gc  # JMH options as usual
 * java -jar bpf-bench/target/benchmarks.jar latency epoll 20000 # wake-up latency (not JMH)
 * }</pre>
 */
public final class BenchMain {
    /** Benchmarks whose class names match this need the kernel (JMH exclusion regex). */
    public static final String KERNEL_BENCHMARKS = "io\\.bpf4j\\.bench\\.kernel\\..*";

    private BenchMain() {
    }

    /** Runs JMH with {@code args}. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("latency")) {
            io.bpf4j.bench.kernel.PollLatency.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        org.openjdk.jmh.Main.main(withKernelExclusion(args));
    }

    /** {@code args}, plus an exclusion of the kernel benchmarks when they cannot run here. */
    public static String[] withKernelExclusion(String[] args) {
        String why = KernelAccess.unavailableReason();
        if (why == null) {
            return args;
        }
        System.err.println("bpf4j bench: skipping the kernel benchmarks (ring buffer drain and latency): " + why);
        List<String> out = new ArrayList<>(Arrays.asList(args));
        out.add("-e");
        out.add(KERNEL_BENCHMARKS);
        return out.toArray(new String[0]);
    }
}
