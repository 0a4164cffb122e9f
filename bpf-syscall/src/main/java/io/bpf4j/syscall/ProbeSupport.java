package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.PseudoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dynamic PMUs ({@code kprobe}, {@code uprobe}) as sysfs describes them: their perf type
 * and the config bit that turns a probe into a return probe.
 */
final class ProbeSupport {
    static final Path PMUS = Path.of("/sys/bus/event_source/devices");

    private ProbeSupport() {
    }

    /** The PMU's perf type, or -1 when this kernel has no such PMU. */
    static int pmuType(String pmu) {
        Path p = PMUS.resolve(pmu).resolve("type");
        if (!Files.exists(p)) {
            return -1;
        }
        try {
            return Integer.parseInt(PseudoFiles.readTrimmed(p));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The {@code config} bit of the PMU's {@code retprobe} format ("config:0"), 0 if unreadable. */
    static int retprobeBit(String pmu) {
        try {
            String f = PseudoFiles.readTrimmed(PMUS.resolve(pmu).resolve("format").resolve("retprobe"));
            return Integer.parseInt(f.substring(f.indexOf(':') + 1));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static void requireType(BpfProgram prog, String attach, ProgramType... allowed) {
        for (ProgramType t : allowed) {
            if (prog.type() == t) {
                return;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (ProgramType t : allowed) {
            sb.append(sb.length() == 0 ? "" : " or ").append(t);
        }
        throw new IllegalArgumentException("cannot attach " + prog + " to a " + attach + ": expected a " + sb
                + " program");
    }
}
