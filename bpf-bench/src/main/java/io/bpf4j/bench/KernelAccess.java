package io.bpf4j.bench;

import io.bpf4j.syscall.Privileges;

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
    private KernelAccess() {
    }

    /** Why the kernel benchmarks cannot run in this process, or null if they can. */
    public static String unavailableReason() {
        return Privileges.missingForTracing().orElse(null);
    }

    /** Throws with the reason when the kernel benchmarks cannot run: called from their setups. */
    public static void require() {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException("kernel benchmark skipped: " + why);
        }
    }
}
