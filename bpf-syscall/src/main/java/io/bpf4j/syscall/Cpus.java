package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.PossibleCpus;
import java.io.IOException;
import java.nio.file.Path;

/**
 * CPU numbers as the kernel sees them: possible CPUs size per-CPU map values, online CPUs get
 * per-CPU perf events.
 *
 * <pre>{@code
 * int slots = Cpus.possibleCount();   // from /sys/devices/system/cpu/possible
 * int[] online = Cpus.online();       // from /sys/devices/system/cpu/online
 * }</pre>
 */
public final class Cpus {
    private Cpus() {
    }

    /** Highest possible CPU + 1: the number of slots in a per-CPU value. */
    public static int possibleCount() {
        return PossibleCpus.count();
    }

    /** The online CPUs, ascending. */
    public static int[] online() {
        return online(Kernel.system());
    }

    /** The online CPUs as {@code kernel} lists them, ascending (every available processor if unreadable). */
    public static int[] online(Kernel kernel) {
        try {
            return PossibleCpus.list(kernel.readFile(Path.of("/sys/devices/system/cpu/online")).trim());
        } catch (IOException | RuntimeException e) {
            int n = Runtime.getRuntime().availableProcessors();
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
    }
}
