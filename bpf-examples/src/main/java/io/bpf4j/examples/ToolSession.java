package io.bpf4j.examples;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How long a tracing tool runs: until Ctrl-C (SIGINT), SIGTERM, the end of {@code --duration},
 * or {@link #stop()}. On a signal the JVM starts shutting down at once; a shutdown hook holds
 * it until the tool has detached its links, closed its maps and printed its summary, so
 * nothing is left attached and the last line is never lost.
 *
 * <pre>{@code
 * try (ToolSession session = ToolSession.start(Duration.ofSeconds(2))) {
 *     // ... attach ...
 *     session.startClock();
 *     while (session.running()) {
 *         reader.poll(Duration.ofMillis(100), handler);
 *     }
 *     // close BPF objects, print the summary, then leave the try: the JVM may exit
 * }
 * }</pre>
 */
public final class ToolSession implements AutoCloseable {
    /** How long a signal waits for the tool to clean up before the JVM exits anyway. */
    private static final long CLEANUP_WAIT_SECONDS = 10;

    private final Duration duration;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile boolean counting;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean stopRequested;

    private ToolSession(Duration duration) {
        this.duration = duration;
        this.hook = new Thread(this::onSignal, "bpf4j-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts a session that ends {@code duration} after {@link #startClock()}, or only on a signal
     * if it is null. Signals are handled from now on, so a Ctrl-C while attaching still cleans up.
     */
    public static ToolSession start(Duration duration) {
        return new ToolSession(duration);
    }

    /** Starts counting {@code --duration}: call once the tool is attached and tracing. */
    public void startClock() {
        if (duration != null) {
            deadline = System.nanoTime() + duration.toNanos();
            counting = true;
        }
    }

    /** True until a signal, {@link #stop()} or the deadline. */
    public boolean running() {
        return !stopRequested && (!counting || System.nanoTime() - deadline < 0);
    }

    /** How long to wait for events before looking at {@link #running()} again. */
    public Duration pollTimeout(Duration max) {
        if (!counting) {
            return max;
        }
        long left = deadline - System.nanoTime();
        return left < max.toNanos() ? Duration.ofNanos(Math.max(left, 0)) : max;
    }

    /** Ends the session from another thread (tests, an embedding program). */
    public void stop() {
        stopRequested = true;
    }

    private void onSignal() {
        stopRequested = true;
        try {
            closed.await(CLEANUP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a pending signal finish the JVM: call once cleanup and the summary are done. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal arrived: the hook is running and returns now that we are closed.
        }
    }
}
