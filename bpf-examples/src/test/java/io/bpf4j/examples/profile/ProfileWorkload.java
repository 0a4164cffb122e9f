package io.bpf4j.examples.profile;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The profiler's Java target, run in its own JVM: worker threads call three methods with
 * identical bodies for 6, 3 and 1 units of iterations (60 / 30 / 10 % of the work), and measure
 * the CPU time each call takes (the thread's, from /proc/thread-self/schedstat), so the shares are checked by the workload itself.
 *
 * <p>Protocol on stdin/stdout: prints {@code ready} once warmed up (JIT-compiled); {@code start}
 * zeroes the counters; {@code stop} prints {@code shares S T U} (percent of CPU time in sixty,
 * thirty, ten) and {@code rate R rounds per CPU-second}, and exits.
 */
public final class ProfileWorkload {
    /** Iterations per unit: one round (10 units) takes some tens of ms. */
    static final long UNIT = 2_000_000;
    static final int THREADS = 2;
    static volatile long sink;
    private static final AtomicLongArray NANOS = new AtomicLongArray(3);
    /** Rounds finished since start. */
    private static final java.util.concurrent.atomic.AtomicLong ROUNDS = new java.util.concurrent.atomic.AtomicLong();
    private static final AtomicBoolean RUN = new AtomicBoolean(true);

    private ProfileWorkload() {
    }

    static long sixty(long n, long x) {
        for (long i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
        }
        return x;
    }

    static long thirty(long n, long x) {
        for (long i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
        }
        return x;
    }

    static long ten(long n, long x) {
        for (long i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
        }
        return x;
    }

    /** This thread's CPU time in ns: the first field of /proc/thread-self/schedstat. */
    private static long cpuNanos() {
        try {
            String s = Files.readString(Path.of("/proc/thread-self/schedstat"));
            return Long.parseLong(s.substring(0, s.indexOf(' ')));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void work() {
        long x = Thread.currentThread().getId();
        while (RUN.get()) {
            long t0 = cpuNanos();
            x = sixty(6 * UNIT, x);
            long t1 = cpuNanos();
            x = thirty(3 * UNIT, x);
            long t2 = cpuNanos();
            x = ten(UNIT, x);
            long t3 = cpuNanos();
            NANOS.addAndGet(0, t1 - t0);
            NANOS.addAndGet(1, t2 - t1);
            NANOS.addAndGet(2, t3 - t2);
            ROUNDS.incrementAndGet();
        }
        sink = x;
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(ProfileWorkload::work, "worker-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(1500);                        // warm-up: the three methods get compiled
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("start")) {
                for (int i = 0; i < 3; i++) {
                    NANOS.set(i, 0);
                }
                ROUNDS.set(0);
            } else if (line.equals("stop")) {
                break;
            }
        }
        RUN.set(false);
        double total = NANOS.get(0) + NANOS.get(1) + NANOS.get(2);
        System.out.println(String.format(Locale.ROOT, "shares %.1f %.1f %.1f", 100 * NANOS.get(0) / total,
                100 * NANOS.get(1) / total, 100 * NANOS.get(2) / total));
        // Throughput per CPU-second of the workers: what a profiler costs the target, whatever else runs.
        System.out.println(String.format(Locale.ROOT, "rate %.2f rounds per CPU-second", ROUNDS.get() / (total / 1e9)));
        System.out.flush();
    }
}
