package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.PseudoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * Pinning kernel objects in the bpf filesystem so they outlive this process: pin, open (see
 * {@link BpfMap#openPinned}, {@link BpfProgram#openPinned}), unpin. Mounts bpffs at
 * {@code /sys/fs/bpf} when no bpffs is mounted there and the process may mount (logged).
 *
 * <pre>{@code
 * map.pin("/sys/fs/bpf/counts");
 * try (BpfMap again = BpfMap.openPinned("/sys/fs/bpf/counts")) { ... }
 * Bpffs.unpin("/sys/fs/bpf/counts");
 * }</pre>
 */
public final class Bpffs {
    private static final Logger LOG = Logs.get(Bpffs.class);
    /** The conventional mount point. */
    public static final String DEFAULT_MOUNT = "/sys/fs/bpf";

    private Bpffs() {
    }

    /** True if a bpf filesystem is mounted at {@code dir} (per /proc/self/mounts). */
    public static boolean isMounted(String dir) {
        try {
            for (String line : PseudoFiles.read(Path.of("/proc/self/mounts")).split("\n")) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(dir) && f[2].equals("bpf")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Mounts bpffs at {@link #DEFAULT_MOUNT} unless it is there already; throws with advice if it cannot. */
    public static synchronized void ensureMounted(Kernel kernel) {
        if (isMounted(DEFAULT_MOUNT)) {
            return;
        }
        try {
            Files.createDirectories(Path.of(DEFAULT_MOUNT));
            kernel.mount("bpf", DEFAULT_MOUNT, "bpf", 0);
            LOG.info("mounted the bpf filesystem at {} (it was not mounted)", DEFAULT_MOUNT);
        } catch (IOException | BpfException e) {
            throw new BpfException("mount -t bpf bpf " + DEFAULT_MOUNT, e instanceof BpfException
                    ? ((BpfException) e).errno() : Errno.UNKNOWN,
                    "no bpf filesystem at " + DEFAULT_MOUNT + " and mounting one failed; as root run: mount -t bpf bpf "
                            + DEFAULT_MOUNT, e);
        }
    }

    static void pin(Kernel kernel, int fd, String path) {
        if (path.startsWith(DEFAULT_MOUNT + "/")) {
            ensureMounted(kernel);
        }
        kernel.objPin(fd, path);
    }

    /** Removes a pin (the object lives on while other fds or pins hold it); false if there was none. */
    public static boolean unpin(String path) {
        try {
            return Files.deleteIfExists(Path.of(path));
        } catch (IOException e) {
            throw new BpfException("unlink " + path, Errno.UNKNOWN, "cannot remove the pin: " + e.getMessage(), e);
        }
    }
}
