package io.bpf4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where cgroup v2 is mounted here ({@code /sys/fs/cgroup}, or {@code /sys/fs/cgroup/unified} in hybrid mode). */
final class CgroupV2 {
    private CgroupV2() {
    }

    /** The first cgroup2 mount in /proc/self/mountinfo, or null. */
    static Path mountPoint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // "36 25 0:31 / /sys/fs/cgroup/unified rw,... - cgroup2 cgroup2 rw"
            String[] halves = line.split(" - ", 2);
            if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                return Path.of(halves[0].split(" ")[4]);
            }
        }
        return null;
    }
}
