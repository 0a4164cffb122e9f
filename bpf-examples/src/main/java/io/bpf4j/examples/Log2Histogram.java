package io.bpf4j.examples;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * A power-of-two histogram as the BPF side of {@code funclatency} fills it: bucket {@code i}
 * counts values {@code v} with {@code floor(log2(v)) == i} (bucket 0 also takes 0), so bucket
 * {@code i} covers {@code 2^i .. 2^(i+1)-1}. Printed as text bars, one line per bucket from the
 * first non-empty one to the last.
 *
 * <pre>{@code
 * Log2Histogram h = new Log2Histogram(new long[] {0, 0, 3, 7});
 * h.print(out, "usecs");
 * //      usecs          : count    distribution
 * //      2 -> 3         : 3        |*****************                       |
 * //      4 -> 7         : 7        |****************************************|
 * }</pre>
 */
public final class Log2Histogram {
    /** Buckets for every {@code floor(log2)} of a u64. */
    public static final int BUCKETS = 64;
    private static final int BAR_WIDTH = 40;

    private final long[] counts;
    private final long sum;

    /** A histogram of these bucket counts (copied), the sum of the values unknown. */
    public Log2Histogram(long[] counts) {
        this(counts, -1);
    }

    /** A histogram of these bucket counts (copied) and the sum of the values counted (-1: unknown). */
    public Log2Histogram(long[] counts, long sum) {
        if (counts.length > BUCKETS) {
            throw new IllegalArgumentException(counts.length + " buckets: expected at most " + BUCKETS);
        }
        this.counts = counts.clone();
        this.sum = sum;
    }

    /** The sum of the values counted, in the histogram's unit, or -1 when unknown. */
    public long sum() {
        return sum;
    }

    /**
     * bcc's summary line, {@code avg = 1234 nsecs, total: 5678 nsecs, count: 10}, or just the count
     * when the sum is unknown.
     */
    public String summary(String unit) {
        long n = total();
        if (sum < 0 || n == 0) {
            return "count: " + n;
        }
        return "avg = " + sum / n + " " + unit + ", total: " + sum + " " + unit + ", count: " + n;
    }

    /** The bucket counts. */
    public long[] counts() {
        return counts.clone();
    }

    /** The number of values counted. */
    public long total() {
        return Arrays.stream(counts).sum();
    }

    /** The bucket a value falls in: {@code floor(log2(value))}, and 0 for 0. */
    public static int bucketOf(long value) {
        return value == 0 ? 0 : 63 - Long.numberOfLeadingZeros(value);
    }

    /** Prints the bars, or one line saying there is nothing yet. */
    public void print(PrintWriter out, String unit) {
        int first = -1;
        int last = -1;
        long max = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                first = first < 0 ? i : first;
                last = i;
                max = Math.max(max, counts[i]);
            }
        }
        if (first < 0) {
            out.println("(no calls)");
            return;
        }
        out.println(String.format("%24s : %-8s %s", unit, "count", "distribution"));
        for (int i = first; i <= last; i++) {
            long low = i == 0 ? 0 : 1L << i;
            long high = (1L << (i + 1)) - 1; // for i = 63: -1, that is 2^64 - 1 unsigned
            int stars = (int) (counts[i] * BAR_WIDTH / max);
            out.println(String.format("%10s -> %-10s : %-8d |%-" + BAR_WIDTH + "s|",
                    Long.toUnsignedString(low), Long.toUnsignedString(high), counts[i], "*".repeat(stars)));
        }
    }
}
