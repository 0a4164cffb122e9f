package io.bpf4j.syscall;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The dynamic PMUs ({@code kprobe}, {@code uprobe}) as sysfs describes them through the
 * kernel's file seam: their perf type and the config bit that turns a probe into a return probe.
 */
final class ProbePmus {
    static final Path PMUS = Path.of("/sys/bus/event_source/devices");

    private ProbePmus() {
    }

    /** The PMU's perf type, or -1 when this kernel has no such PMU. */
    static int type(Kernel kernel, String pmu) {
        try {
            return Integer.parseInt(kernel.readFile(PMUS.resolve(pmu).resolve("type")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The {@code config} bit of the PMU's {@code retprobe} format ("config:0"), 0 if unreadable. */
    static int retprobeBit(Kernel kernel, String pmu) {
        return formatBit(kernel, pmu, "retprobe", 0);
    }

    /** The first bit of a PMU format field ("config:32-63" gives 32), or {@code fallback}. */
    static int formatBit(Kernel kernel, String pmu, String field, int fallback) {
        try {
            String f = kernel.readFile(PMUS.resolve(pmu).resolve("format").resolve(field)).trim();
            String bits = f.substring(f.indexOf(':') + 1);
            int dash = bits.indexOf('-');
            return Integer.parseInt(dash < 0 ? bits : bits.substring(0, dash));
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }
}
