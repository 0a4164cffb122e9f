package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import io.bpf4j.syscall.testing.KernelTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics-port} against a real Prometheus server ({@code apt-get install prometheus}):
 * the test starts the tool, then Prometheus with a configuration that scrapes the tool on
 * 127.0.0.1 every half second, causes known events, and asks Prometheus's HTTP API for the values
 * until they arrive. Prometheus is stopped and its data directory removed at the end.
 */
@KernelTest
class PrometheusKernelTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Duration SCRAPED_WITHIN = Duration.ofSeconds(120);  // a loaded CI machine or VM
    private static final Pattern PORT = Pattern.compile("Prometheus metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    /** One series of a vector result: its labels and its value. */
    private static final Pattern SERIES = Pattern.compile("\\{\"metric\":\\{([^}]*)},\"value\":\\[[^,]+,\"([^\"]+)\"]}");

    @TempDir
    Path dir;

    /** The port the tool says (before its readiness line) it serves metrics on. */
    private static int metricsPort(ToolRun run) {
        for (String line : run.errLines()) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return fail("no metrics address on stderr: " + run.errLines());
    }

    /** A Prometheus server scraping {@code 127.0.0.1:port}, with its own data directory. */
    private final class PrometheusServer implements AutoCloseable {
        final int port;
        final Process process;

        PrometheusServer(int target) throws IOException {
            assertTrue(Files.isExecutable(PROMETHEUS), PROMETHEUS + " missing: apt-get install prometheus");
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                    "global:",
                    "  scrape_interval: 500ms",
                    "  scrape_timeout: 400ms",
                    "scrape_configs:",
                    "  - job_name: bpf4j",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + target + "']",
                    ""));
            process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        }

        /** The series of an instant query, labels (as text) to value; empty while there are none. */
        Map<String, Double> query(String promql) throws InterruptedException {
            try {
                // java.net.http is a module of its own; the test module reads java.base only.
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port
                        + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).toURL()
                        .openConnection();
                c.setConnectTimeout(10_000);
                c.setReadTimeout(10_000);
                String body;
                try (java.io.InputStream in = c.getInputStream()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } finally {
                    c.disconnect();
                }
                Map<String, Double> out = new TreeMap<>();
                Matcher m = SERIES.matcher(body);
                while (m.find()) {
                    out.put(m.group(1), Double.parseDouble(m.group(2)));
                }
                return out;
            } catch (IOException notUpYet) {
                return Map.of();
            }
        }

        /** Queries until the result satisfies {@code done}. */
        Map<String, Double> await(String promql, Predicate<Map<String, Double>> done) throws Exception {
            long end = System.nanoTime() + SCRAPED_WITHIN.toNanos();
            Map<String, Double> last = Map.of();
            while (System.nanoTime() - end < 0) {
                last = query(promql);
                if (done.test(last)) {
                    return last;
                }
                Thread.sleep(250);
            }
            fail(promql + " never satisfied the test; last " + last + "\nprometheus log:\n"
                    + Files.readString(dir.resolve("prometheus.log")));
            return last;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close cannot throw it: try-with-resources would warn
                throw new AssertionError("interrupted while stopping Prometheus", e);
            }
        }
    }

    /** The value of the bucket whose bound is {@code le}, give or take the rounding of its printed form. */
    private static double near(Map<Double, Double> byLe, double le) {
        return byLe.entrySet().stream().filter(e -> Math.abs(e.getKey() - le) < le * 1e-9).findFirst()
                .orElseThrow(() -> new AssertionError("no bucket le=" + le + " in " + byLe)).getValue();
    }

    @Test
    void execCountsByCommandReachPrometheus() throws Exception {
        String comm = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path marked = Files.createSymbolicLink(dir.resolve(comm), Path.of("/bin/true"));
        int execs = 7;
        try (ToolRun run = ToolRun.start("execsnoop", "--metrics-port", "0", "-n", "^" + comm + "$");
             PrometheusServer prometheus = new PrometheusServer(metricsPort(run))) {
            for (int i = 0; i < execs; i++) {
                ExecsnoopKernelTest.run(marked.toString());
            }
            Map<String, Double> v = prometheus.await("bpf4j_execsnoop_execs_total{comm=\"" + comm + "\"}",
                    r -> r.values().stream().mapToDouble(Double::doubleValue).sum() >= execs);
            assertEquals(1, v.size(), v.toString());
            assertEquals(execs, v.values().iterator().next(), 0.0, v.toString());
            assertTrue(v.keySet().iterator().next().contains("\"uid\":\"0\""), v.toString());
        }
    }

    @Test
    void latencyHistogramBucketsReachPrometheus() throws Exception {
        // A function that sleeps 5 ms: every call lands in the 4096..8191 usecs bucket.
        Path c = Files.writeString(dir.resolve("sleeper.c"),
                "#include <unistd.h>\nint bpf4j_sleep5ms(void) { return usleep(5000); }\n");
        Path so = dir.resolve("libbpf4jsleeper.so");
        Process gcc = new ProcessBuilder("gcc", "-O1", "-shared", "-fPIC", "-o", so.toString(), c.toString())
                .redirectErrorStream(true).start();
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, new String(gcc.getInputStream().readAllBytes()));
        Function sleeper = NativeLibrary.getInstance(so.toString()).getFunction("bpf4j_sleep5ms");
        int calls = 12;
        String self = String.valueOf(ProcessHandle.current().pid());
        try (ToolRun run = ToolRun.start("funclatency", "--unit", "usecs", "-p", self, "--metrics-port", "0",
                so + ":bpf4j_sleep5ms");
             PrometheusServer prometheus = new PrometheusServer(metricsPort(run))) {
            for (int i = 0; i < calls; i++) {
                sleeper.invokeInt(new Object[0]);
            }
            String function = so + ":bpf4j_sleep5ms";
            prometheus.await("bpf4j_funclatency_seconds_count{function=\"" + function + "\"}",
                    r -> r.values().stream().anyMatch(x -> x >= calls));
            Map<String, Double> buckets = prometheus.await("bpf4j_funclatency_seconds_bucket{function=\""
                    + function + "\"}", r -> r.size() == Log2Histogram.BUCKETS + 1);
            Map<Double, Double> byLe = new TreeMap<>();
            Pattern le = Pattern.compile("\"le\":\"([^\"]+)\"");
            for (Map.Entry<String, Double> e : buckets.entrySet()) {
                Matcher m = le.matcher(e.getKey());
                assertTrue(m.find(), e.getKey());
                byLe.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
                        e.getValue());
            }
            assertEquals(Log2Histogram.BUCKETS + 1, byLe.size(), "64 log2 buckets and +Inf: " + byLe);
            assertEquals(0.0, near(byLe, 0.004096), 0.0, "a 5 ms sleep never takes less than 4096 us: " + byLe);
            assertEquals(calls, byLe.get(Double.POSITIVE_INFINITY), 0.0, byLe.toString());
            double sum = prometheus.await("bpf4j_funclatency_seconds_sum{function=\"" + function + "\"}",
                    r -> !r.isEmpty()).values().iterator().next();
            assertTrue(sum >= calls * 0.005, "sum of " + calls + " sleeps of 5 ms: " + sum);
            // Each bucket as the tool prints it (a loaded machine may oversleep into the next one):
            // Prometheus's cumulative bucket le=2^(i+1) us holds the printed buckets up to i.
            run.stop();
            long cumulative = 0;
            int checked = 0;
            for (String line : run.outLines()) {
                Matcher m = Pattern.compile("\\s*(\\d+) -> (\\d+)\\s*: (\\d+) .*").matcher(line);
                if (m.matches()) {
                    cumulative += Long.parseLong(m.group(3));
                    double upper = (Long.parseLong(m.group(2)) + 1) * 1e-6;
                    assertEquals(cumulative, near(byLe, upper), 0.0, "bucket le=" + upper + " s: " + byLe);
                    checked++;
                }
            }
            assertTrue(checked > 0, run.outLines().toString());
            assertEquals(calls, cumulative, run.outLines().toString());
        }
    }
}
