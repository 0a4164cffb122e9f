package io.bpf4j.examples;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * funclatency's histograms as the Prometheus histogram {@code bpf4j_funclatency_seconds}, read
 * from the BPF map at each scrape: bucket {@code i} of the kernel's log2 histogram (values
 * {@code 2^i .. 2^(i+1)-1} units) becomes the bucket {@code le = 2^(i+1) * unit} seconds, and the
 * sum the kernel keeps becomes {@code _sum}. The kernel's counters only grow, as a Prometheus
 * histogram's must.
 *
 * <pre>{@code
 * metrics.registry().register(new LatencyCollector(tracer, "libc:getaddrinfo"));
 * // bpf4j_funclatency_seconds_bucket{function="libc:getaddrinfo",le="1.6384E-5"} 3
 * }</pre>
 */
final class LatencyCollector implements Collector {
    static final String NAME = "bpf4j_funclatency_seconds";

    private final FuncLatencyTracer tracer;
    private final String label;
    private final double[] upperBounds = new double[Log2Histogram.BUCKETS + 1];

    /**
     * @param tracer whose map to read
     * @param label the function label of the one histogram, or null for one histogram per function
     */
    LatencyCollector(FuncLatencyTracer tracer, String label) {
        this.tracer = tracer;
        this.label = label;
        double unitSeconds = tracer.unit().nanos() / 1e9;
        for (int i = 0; i < Log2Histogram.BUCKETS; i++) {
            upperBounds[i] = Math.scalb(1.0, i + 1) * unitSeconds;
        }
        upperBounds[Log2Histogram.BUCKETS] = Double.POSITIVE_INFINITY;
    }

    @Override
    public MetricSnapshot collect() {
        long[][] totals = tracer.totals();
        HistogramSnapshot.Builder h = HistogramSnapshot.builder().name(NAME)
                .help("Latency of the functions bpf4j funclatency times, from log2 buckets kept in the kernel");
        double unitSeconds = tracer.unit().nanos() / 1e9;
        for (int f = 0; f < totals.length; f++) {
            long[] counts = new long[Log2Histogram.BUCKETS + 1];      // the +Inf bucket stays 0
            System.arraycopy(totals[f], 0, counts, 0, Log2Histogram.BUCKETS);
            String function = label != null ? label : tracer.functions().get(f).symbol();
            h.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts))
                    .sum(totals[f][Log2Histogram.BUCKETS] * unitSeconds)
                    .labels(Labels.of("function", function))
                    .build());
        }
        return h.build();
    }
}
