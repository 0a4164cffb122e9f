package io.bpf4j.bench;

import io.bpf4j.bench.asm.Programs;
import io.bpf4j.bench.kernel.DrainRounds;
import io.bpf4j.bench.kernel.PollLatency;
import io.bpf4j.core.Program;
import io.bpf4j.structs.btf.Btf;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The bpf4j side of {@code compare.sh}: the same procedure as each C reference in
 * {@code src/reference}, printing the same {@code key=value} line, so that the two columns of the
 * comparison are the same statistic of the same work. Unlike C, a JVM must first compile the hot
 * code: every mode runs untimed warm-up rounds before the timed ones (the JMH benchmarks report
 * the same work with JMH's own statistics).
 *
 * <pre>{@code
 * java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.SideBySide btf 20
 * java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.SideBySide assemble 50
 * sudo java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.SideBySide drain 16 48000 20
 * sudo java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.SideBySide latency 20000 [busy]
 * }</pre>
 */
public final class SideBySide {
    private SideBySide() {
    }

    /** {@code btf ROUNDS | assemble ROUNDS | drain SIZE RECORDS ROUNDS | latency SAMPLES [busy]}. */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        switch (mode) {
            case "btf":
                System.out.println(btf(args.length > 1 ? Integer.parseInt(args[1]) : 20));
                break;
            case "assemble":
                System.out.println(assemble(args.length > 1 ? Integer.parseInt(args[1]) : 50));
                break;
            case "drain":
            case "latency": {
                String why = KernelAccess.unavailableReason();
                if (why != null) {
                    System.err.println(mode + " skipped: " + why);
                    System.exit(3);
                }
                if (mode.equals("drain") && args.length == 4) {
                    System.out.println(DrainRounds.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                            Integer.parseInt(args[3])));
                } else if (mode.equals("latency") && args.length >= 2) {
                    System.out.println(PollLatency.run(args.length > 2 && args[2].equals("busy"),
                            Integer.parseInt(args[1])));
                } else {
                    System.err.println("usage: SideBySide drain SIZE RECORDS ROUNDS | latency SAMPLES [busy]");
                    System.exit(2);
                }
                break;
            }
            default:
                System.err.println("usage: SideBySide btf ROUNDS | assemble ROUNDS | drain SIZE RECORDS ROUNDS"
                        + " | latency SAMPLES [busy]");
                System.exit(2);
        }
    }

    /** As {@code btf_ref.c}: parse vmlinux BTF and resolve two offsets; best and mean of rounds after warm-up. */
    static String btf(int rounds) throws IOException {
        long rp = 0;
        long tgid = 0;
        int types = 0;
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmUntil) {        // warm-up, 3 s (as JMH's): JIT-compile the parser
            Btf.load(Btf.VMLINUX).offsetOf("task_struct", "tgid");
        }
        double best = Double.MAX_VALUE;
        double total = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Btf btf = Btf.load(Btf.VMLINUX);
            rp = btf.offsetOf("task_struct", "real_parent");
            tgid = btf.offsetOf("task_struct", "tgid");
            double dt = (System.nanoTime() - t0) / 1e6;
            // Outside the timing: libbpf's btf__type_cnt() is a field read after its eager parse,
            // a lazy parser's typeCount() walks the rest of the type section.
            types = btf.typeCount();
            best = Math.min(best, dt);
            total += dt;
        }
        return String.format(Locale.ROOT, "btf types=%d real_parent=%d tgid=%d rounds=%d best_ms=%.3f warm_mean_ms=%.3f",
                types, rp, tgid, rounds, best, total / rounds);
    }

    /**
     * As {@code asm_ref.c}: assemble the 1,000,000-instruction program; best and mean of rounds
     * after warm-up. {@code best_cpu_ips} divides by the thread's CPU time instead of the wall
     * clock: on a loaded machine it leaves out the time the thread waited for a CPU.
     */
    static String assemble(int rounds) {
        int n = 1_000_000;
        Program p = Programs.large(n);
        ByteOrder order = ByteOrder.nativeOrder();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long check = 0;
        for (int i = 0; i < 20; i++) {                 // warm-up
            check += p.assemble(order).length;
        }
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        double total = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            byte[] out = p.assemble(order);
            double dt = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            check += out[r % out.length];
            best = Math.min(best, dt);
            bestCpu = Math.min(bestCpu, cpu);
            total += dt;
        }
        return String.format(Locale.ROOT, "assemble insns=%d rounds=%d mean_ips=%.0f best_ips=%.0f best_cpu_ips=%.0f check=%d",
                n, rounds, n * (double) rounds / total, n / best, n / bestCpu, check);
    }
}
