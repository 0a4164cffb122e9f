package io.bpf4j.bench.kernel;

import io.bpf4j.bench.KernelAccess;
import io.bpf4j.ringbuf.RawRecordHandler;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.Cpus;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Wake-up latency: a producer thread emits one 16-byte record every 200 µs (default wake-up
 * flags) while the consumer waits for it, blocked in {@code epoll_wait} ({@code epoll}:
 * {@link RingBufferReader#poll}) or spinning on the producer position ({@code busy}:
 * {@link RingBufferReader#busyPoll}). Latency = {@link System#nanoTime()} in the handler minus the
 * record's {@code bpf_ktime_get_ns()} (both CLOCK_MONOTONIC on Linux). Prints p50/p90/p99/max as
 * {@code src/reference/ringbuf_ref.c} does. Not a JMH benchmark: JMH times methods, this times
 * the kernel-to-handler path. With {@code busy}, the spinning thread and the producer thread are
 * pinned ({@link Cpus#pinThisThread}) to the first two CPUs the process may use (when it may use
 * two), as the C reference does: a spinner measures its own reaction only with a CPU the producer
 * does not share. Before the
 * timed samples, half as many (at most 10,000: two seconds) warm the JIT up and are not counted —
 * the C reference has nothing to warm up. Fewer left the drain C1-compiled (with profiling) for
 * the first few thousand timed samples: C2 compiles it after about 5,000 calls.
 *
 * <pre>{@code
 * sudo java -jar bpf-bench/target/benchmarks.jar latency epoll 20000
 * sudo java -cp bpf-bench/target/benchmarks.jar io.bpf4j.bench.kernel.PollLatency busy 20000
 * }</pre>
 */
public final class PollLatency {
    private static final long PERIOD_NANOS = 200_000;

    private final long[] samples;
    private int taken;

    private PollLatency(int n) {
        samples = new long[n];
    }

    /** {@code PollLatency epoll|busy [SAMPLES]}. */
    public static void main(String[] args) throws InterruptedException {
        String mode = args.length > 0 ? args[0] : "epoll";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        if (!mode.equals("epoll") && !mode.equals("busy")) {
            System.err.println("usage: PollLatency epoll|busy [SAMPLES]");
            System.exit(2);
        }
        String why = KernelAccess.unavailableReason();
        if (why != null) {
            System.err.println("latency benchmark skipped: " + why);
            System.exit(3);
        }
        System.out.println(run(mode.equals("busy"), n));
    }

    /** Runs the measurement and returns the result line. */
    public static String run(boolean busy, int n) throws InterruptedException {
        int warm = Math.min(n / 2, 10_000);
        int[] cpus = busy ? Cpus.allowed() : new int[0];
        boolean pin = cpus.length >= 2;
        int producerCpu = pin ? cpus[1] : -1;
        Cpus.Pinned spinner = pin ? Cpus.pinThisThread(cpus[0]) : null;
        try (BpfMap ring = Producer.createRing("bench_latency");
             Producer producer = Producer.load(ring);
             RingBufferReader reader = RingBufferReader.open(ring)) {
            measure(busy, warm, producer, reader, producerCpu);
            long[] s = measure(busy, n, producer, reader, producerCpu);
            Arrays.sort(s);
            return String.format(Locale.ROOT,
                    "latency mode=%s samples=%d p50_us=%.2f p90_us=%.2f p99_us=%.2f max_us=%.2f pinned=%s",
                    busy ? "busy-poll" : "epoll", n, s[n / 2] / 1e3, s[n * 9 / 10] / 1e3, s[n * 99 / 100] / 1e3,
                    s[n - 1] / 1e3, pin ? cpus[0] + "," + cpus[1] : "no");
        } finally {
            if (spinner != null) {
                spinner.close();
            }
        }
    }

    private static long[] measure(boolean busy, int n, Producer producer, RingBufferReader reader,
            int producerCpu) throws InterruptedException {
        PollLatency m = new PollLatency(n);
        RawRecordHandler stamp = (data, offset, length) -> {
            long now = System.nanoTime();
            if (m.taken < m.samples.length) {
                m.samples[m.taken++] = now - data.getLong(offset + 8);
            }
        };
        Thread tick = new Thread(() -> {
            if (producerCpu >= 0) {
                Cpus.pinThisThread(producerCpu); // for the thread's life: no need to undo
            }
            for (int i = 0; i < n; i++) {
                LockSupport.parkNanos(PERIOD_NANOS);
                producer.emit(1, 16, i, 0);
            }
        }, "bench-producer");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        tick.setUncaughtExceptionHandler((t, e) -> failed.set(e));
        tick.setDaemon(true);
        tick.start();
        Duration wait = Duration.ofSeconds(1);
        while (m.taken < n) {
            if (failed.get() != null) { // its records will never come: say why instead of waiting for them
                throw new IllegalStateException("the producer thread failed after " + m.taken + " records", failed.get());
            }
            if (busy) {
                reader.busyPoll(wait, stamp);
            } else {
                reader.poll(wait, stamp);
            }
        }
        tick.join();
        return m.samples;
    }
}
