package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.Names;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * Where tracefs is, and what it says about tracepoints: the {@code id} used to open a
 * tracepoint perf event and the {@code format} file that describes its record. Looks at
 * {@code /sys/kernel/tracing} then {@code /sys/kernel/debug/tracing}; when neither is mounted
 * and the process may mount, mounts tracefs at {@code /sys/kernel/tracing} and says so in a log
 * line. Every look goes through the {@link Kernel}'s file methods, so a fake kernel can play
 * each case (mounted, unmounted, mounted but unreadable).
 *
 * <pre>{@code
 * Path root = Tracefs.root();                                  // /sys/kernel/tracing
 * int id = Tracefs.tracepointId("syscalls", "sys_enter_getppid");
 * Path format = Tracefs.formatPath("sched", "sched_process_exec");
 * }</pre>
 *
 * Category and event names are validated (no '/', spaces, newlines or other control characters)
 * before they are used in a path.
 */
public final class Tracefs {
    private static final Logger LOG = Logs.get(Tracefs.class);
    /** The standard mount point. */
    public static final Path TRACING = Path.of("/sys/kernel/tracing");
    /** The legacy location under debugfs. */
    public static final Path DEBUG_TRACING = Path.of("/sys/kernel/debug/tracing");

    /** The system kernel's root once found (tracefs is not unmounted under a running tool). */
    private static volatile Path systemRoot;

    private Tracefs() {
    }

    /** The tracefs root, mounting tracefs with the system kernel if needed. */
    public static Path root() {
        return root(Kernel.system());
    }

    /**
     * The tracefs root as {@code kernel} sees it, mounting tracefs if needed.
     *
     * @throws BpfException EACCES when tracefs is mounted but this process may not read it,
     *         or the mount's errno when it is not mounted and mounting failed
     */
    public static Path root(Kernel kernel) {
        boolean system = kernel == Kernel.system();
        Path r = systemRoot;
        if (system && r != null) {
            return r;
        }
        synchronized (Tracefs.class) {
            r = find(kernel);
            if (system) {
                systemRoot = r;
            }
            return r;
        }
    }

    private static Path find(Kernel kernel) {
        for (Path p : new Path[] {TRACING, DEBUG_TRACING}) {
            Kernel.PathKind events = kernel.pathKind(p.resolve("events"));
            if (events == Kernel.PathKind.DIRECTORY) {
                return p;
            }
            if (events == Kernel.PathKind.NOT_ACCESSIBLE) {
                throw new BpfException("tracefs", Errno.EACCES, "tracefs is mounted at " + p + " but this process may "
                        + "not read it (root's: the directory is mode 0700, its files 0440): run as uid 0 (CAP_BPF + "
                        + "CAP_PERFMON are enough then), or add CAP_DAC_READ_SEARCH");
            }
        }
        try {
            kernel.mount("nodev", TRACING.toString(), "tracefs", 0);
        } catch (BpfException e) {
            String why = e.errno() == Errno.EPERM ? "mounting needs CAP_SYS_ADMIN" : "mounting it failed";
            throw new BpfException("mount -t tracefs nodev " + TRACING, e.errno(), "tracefs is not mounted at " + TRACING
                    + " or " + DEBUG_TRACING + " and " + why + "; as root run: mount -t tracefs nodev " + TRACING, e);
        }
        // A change to the system the user should hear of (tools print WARN lines): it stays mounted.
        LOG.warn("tracefs was not mounted: bpf4j mounted it at {} (it stays mounted)", TRACING);
        if (kernel.pathKind(TRACING.resolve("events")) != Kernel.PathKind.DIRECTORY) {
            throw new BpfException("tracefs", Errno.ENOENT, "mounted tracefs at " + TRACING
                    + " but it has no events directory (kernel built without tracepoints?)");
        }
        return TRACING;
    }

    /** {@code <tracefs>/events/<category>/<name>}, names validated. */
    public static Path eventDir(String category, String name) {
        return eventDir(Kernel.system(), category, name);
    }

    static Path eventDir(Kernel kernel, String category, String name) {
        checkEventName("tracepoint category", category);
        checkEventName("tracepoint name", name);
        return root(kernel).resolve("events").resolve(category).resolve(name);
    }

    /** The {@code format} file describing a tracepoint's record. */
    public static Path formatPath(String category, String name) {
        return eventDir(category, name).resolve("format");
    }

    /** The tracepoint's id (for {@code perf_event_open} with {@code PERF_TYPE_TRACEPOINT}). */
    public static int tracepointId(String category, String name) {
        return tracepointId(Kernel.system(), category, name);
    }

    /** The tracepoint's id as {@code kernel} publishes it. */
    public static int tracepointId(Kernel kernel, String category, String name) {
        Path id = eventDir(kernel, category, name).resolve("id");
        try {
            return Integer.parseInt(kernel.readFile(id).trim());
        } catch (IOException | NumberFormatException e) {
            Path categoryDir = id.getParent().getParent();
            Path available = root(kernel).resolve("available_events");
            String hint = kernel.pathKind(categoryDir) == Kernel.PathKind.DIRECTORY
                    ? "no tracepoint '" + name + "' in category '" + category + "' (" + id + " missing); see " + available
                    : "no tracepoint category '" + category + "' (" + categoryDir + " missing); see " + available;
            throw new BpfException("tracepoint " + category + "/" + name, Errno.ENOENT, hint, e);
        }
    }

    /** True if the tracepoint exists. */
    public static boolean exists(String category, String name) {
        Kernel k = Kernel.system();
        return k.pathKind(eventDir(k, category, name).resolve("id")) == Kernel.PathKind.FILE;
    }

    static void checkEventName(String what, String value) {
        Names.checkTracefsName(what, value);
        if (value.contains("/") || value.equals("..") || value.equals(".")) {
            throw new IllegalArgumentException(what + " '" + value + "' must not contain '/' or be '.' or '..'");
        }
    }
}
