package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.PseudoFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells, before anything is loaded, which privilege a tracing tool lacks, from the effective
 * capabilities in {@code /proc/self/status}. Loading tracing programs needs {@code CAP_BPF} and
 * {@code CAP_PERFMON} (Linux 5.8+), or {@code CAP_SYS_ADMIN}; root has them all.
 *
 * <pre>{@code
 * Privileges.missingForTracing().ifPresent(why -> { System.err.println(why); System.exit(1); });
 * }</pre>
 */
public final class Privileges {
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    private Privileges() {
    }

    /**
     * What is missing to load and attach tracing programs here, if anything: a one-line message
     * naming the capabilities, for tools to print before they try (and for tests and benchmarks to
     * say why they skip). Not Linux is missing too.
     */
    public static Optional<String> missingForTracing() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("needs Linux for BPF (os.name=" + System.getProperty("os.name") + ")");
        }
        try {
            return missingForTracing(effectiveCapabilities());
        } catch (IOException e) {
            return Optional.empty(); // cannot tell: let the kernel answer
        }
    }

    /** What is missing given effective capability bits {@code capEff} (as in {@code /proc/self/status}). */
    public static Optional<String> missingForTracing(long capEff) {
        if (has(capEff, CAP_SYS_ADMIN) || (has(capEff, CAP_BPF) && has(capEff, CAP_PERFMON))) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        if (!has(capEff, CAP_BPF)) {
            missing.add("CAP_BPF");
        }
        if (!has(capEff, CAP_PERFMON)) {
            missing.add("CAP_PERFMON");
        }
        return Optional.of("needs root: missing " + String.join(" and ", missing)
                + " (or CAP_SYS_ADMIN) to load and attach BPF programs; run it with sudo");
    }

    /**
     * What is missing to attach uprobes, if anything. Measured on Linux 6.18: with only
     * {@code CAP_BPF} + {@code CAP_PERFMON}, even as uid 0, {@code perf_event_open} of the uprobe
     * PMU answers EACCES; {@code CAP_SYS_ADMIN} makes it work. Tracepoints need no more than
     * {@link #missingForTracing()}.
     */
    public static Optional<String> missingForUprobes() {
        Optional<String> tracing = missingForTracing();
        if (tracing.isPresent()) {
            return tracing;
        }
        try {
            return missingForUprobes(effectiveCapabilities());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@link #missingForUprobes()} given effective capability bits {@code capEff}. */
    public static Optional<String> missingForUprobes(long capEff) {
        Optional<String> tracing = missingForTracing(capEff);
        if (tracing.isPresent() || has(capEff, CAP_SYS_ADMIN)) {
            return tracing;
        }
        return Optional.of("uprobes need CAP_SYS_ADMIN: this process has CAP_BPF and CAP_PERFMON, with which the kernel "
                + "refuses perf_event_open of a uprobe (EACCES); run it as root with all capabilities (sudo)");
    }

    private static boolean has(long caps, int cap) {
        return (caps & (1L << cap)) != 0;
    }

    private static long effectiveCapabilities() throws IOException {
        for (String line : PseudoFiles.read(Path.of("/proc/self/status")).split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            }
        }
        throw new IOException("/proc/self/status has no CapEff line");
    }
}
