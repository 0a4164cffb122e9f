package io.bpf4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the kernel benchmarks can run here: they load BPF programs and create ring buffers,
 * which needs Linux and root (or CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN).
 *
 * <pre>{@code
 * String why = KernelAccess.unavailableReason();
 * if (why != null) System.err.println("skipping kernel benchmarks: " + why);
 * }</pre>
 */
public final class KernelAccess {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_BPF = 39;

    private KernelAccess() {
    }

    /** Why the kernel benchmarks cannot run in this process, or null if they can. */
    public static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "not Linux (os.name=" + System.getProperty("os.name") + ")";
        }
        long caps;
        try {
            caps = effectiveCapabilities();
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e.getMessage();
        }
        if ((caps & (1L << CAP_BPF)) == 0 && (caps & (1L << CAP_SYS_ADMIN)) == 0) {
            return "needs root or CAP_BPF + CAP_PERFMON (effective capabilities 0x" + Long.toHexString(caps) + ")";
        }
        return null;
    }

    /** Throws with the reason when the kernel benchmarks cannot run: called from their setups. */
    public static void require() {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException("kernel benchmark skipped: " + why);
        }
    }

    private static long effectiveCapabilities() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        throw new IOException("no CapEff line");
    }
}
