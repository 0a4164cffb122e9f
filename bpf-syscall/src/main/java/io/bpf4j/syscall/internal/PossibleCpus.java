package io.bpf4j.syscall.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The number of possible CPUs, from {@code /sys/devices/system/cpu/possible} ("0-3", "0,2-5"):
 * per-CPU map values hold one slot for each, numbered up to the highest possible CPU.
 */
public final class PossibleCpus {
    private static volatile int count;

    private PossibleCpus() {
    }

    /** Highest possible CPU + 1 (read once per process). */
    public static int count() {
        int c = count;
        if (c == 0) {
            try {
                c = parse(PseudoFiles.readTrimmed(Path.of("/sys/devices/system/cpu/possible")));
            } catch (IOException e) {
                c = Runtime.getRuntime().availableProcessors();
            }
            count = c;
        }
        return c;
    }

    /** Parses a CPU list: the highest CPU named + 1. */
    public static int parse(String list) {
        int max = -1;
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            int hi = Integer.parseInt(dash < 0 ? part : part.substring(dash + 1));
            max = Math.max(max, hi);
        }
        if (max < 0) {
            throw new IllegalArgumentException("empty CPU list '" + list + "'");
        }
        return max + 1;
    }

    /** The CPUs named in a list ("0-1,4") in order. */
    public static int[] list(String list) {
        java.util.List<Integer> cpus = new java.util.ArrayList<>();
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            int lo = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int hi = Integer.parseInt(dash < 0 ? part : part.substring(dash + 1));
            for (int i = lo; i <= hi; i++) {
                cpus.add(i);
            }
        }
        return cpus.stream().mapToInt(Integer::intValue).toArray();
    }
}
