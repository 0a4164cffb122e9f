package io.bpf4j.syscall.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's memory mappings from {@code /proc/self/maps}
 * ({@code start-end perms offset dev inode path}), read sequentially.
 */
public final class ProcMaps {
    /** One mapping. */
    public record Mapping(long start, long end, String perms, long offset, String device, long inode, String path) {
        /** True if {@code address} lies inside. */
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }
    }

    private ProcMaps() {
    }

    /** The current mappings (empty if /proc is unreadable). */
    public static List<Mapping> self() {
        String text;
        try {
            text = PseudoFiles.read(Path.of("/proc/self/maps"));
        } catch (IOException e) {
            return List.of();
        }
        return parse(text);
    }

    /** The mappings in {@code text} (the format of {@code /proc/PID/maps}); lines that do not parse are skipped. */
    static List<Mapping> parse(String text) {
        List<Mapping> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) {
                continue;
            }
            int dash = f[0].indexOf('-');
            if (dash <= 0) {
                continue;
            }
            try {
                out.add(new Mapping(Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                        Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1], Long.parseUnsignedLong(f[2], 16), f[3],
                        Long.parseLong(f[4]), f.length > 5 ? f[5] : null));
            } catch (NumberFormatException e) {
                // Not a mapping line (a kernel that adds fields, a truncated read): skip it.
            }
        }
        return out;
    }

    /** The mapping holding {@code address}, or null. */
    public static Mapping containing(long address) {
        for (Mapping m : self()) {
            if (m.contains(address)) {
                return m;
            }
        }
        return null;
    }
}
