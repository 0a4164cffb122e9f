package io.bpf4j.examples;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code --metrics-port}: a Prometheus scrape endpoint ({@code http://HOST:PORT/metrics}) over a
 * registry of its own, served by the official Prometheus Java client. It listens on 127.0.0.1
 * unless told otherwise, so a tracer does not publish what runs on the machine to the network
 * by accident.
 *
 * <pre>{@code
 * try (MetricsEndpoint m = MetricsEndpoint.start("127.0.0.1", 9435)) {
 *     Counter execs = Counter.builder().name("bpf4j_execsnoop_execs").labelNames("comm", "uid")
 *             .register(m.registry());
 *     execs.labelValues("ls", "0").inc();        // curl 127.0.0.1:9435/metrics
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** The address the tools listen on by default. */
    public static final String LOCALHOST = "127.0.0.1";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HTTPServer server;

    private MetricsEndpoint(String host, int port) {
        try {
            server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("--metrics-port " + port + ": cannot listen on " + host + ":" + port
                    + " (" + e.getMessage() + "); is another program using that port?", e);
        }
    }

    /** Serves {@link #registry()} on {@code host:port} (port 0: any free port, see {@link #port()}). */
    public static MetricsEndpoint start(String host, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--metrics-port " + port + ": expected 0..65535");
        }
        return new MetricsEndpoint(host, port);
    }

    /** Where the tool registers its metrics. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** The port listened on. */
    public int port() {
        return server.getPort();
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.close();
    }
}
