package io.bpf4j.syscall.symbols;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/PID/maps}: {@code start-end perms offset dev inode [path]}.
 *
 * <pre>{@code
 * List<Mapping> maps = Mapping.parse(Files.readString(Path.of("/proc/self/maps")));
 * }</pre>
 *
 * @param start first address
 * @param end address after the last
 * @param perms {@code r-xp} and the like
 * @param offset file offset mapped at {@code start}
 * @param inode the file's inode (0 for anonymous memory)
 * @param path the file, a pseudo name ({@code [heap]}, {@code [vdso]}), or empty for anonymous memory;
 *     a {@code " (deleted)"} suffix is kept
 */
public record Mapping(long start, long end, String perms, long offset, long inode, String path) {
    /** True if {@code address} lies inside. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** True if executable. */
    public boolean executable() {
        return perms.length() > 2 && perms.charAt(2) == 'x';
    }

    /** True if backed by a file (a path starting with '/'). */
    public boolean fileBacked() {
        return path.startsWith("/");
    }

    /** The file's name without directories ({@code libc.so.6}), or the pseudo name. */
    public String shortName() {
        String p = path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }

    /** Parses the text of a maps file; malformed lines are skipped. */
    public static List<Mapping> parse(String maps) {
        List<Mapping> out = new ArrayList<>();
        for (String line : maps.split("\n")) {
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
                        Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1], Long.parseUnsignedLong(f[2], 16),
                        Long.parseLong(f[4]), f.length > 5 ? f[5].trim() : ""));
            } catch (NumberFormatException e) {
                // Not a maps line.
            }
        }
        return out;
    }
}
