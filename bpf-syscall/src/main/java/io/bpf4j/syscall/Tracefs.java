package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.Names;
import io.bpf4j.syscall.internal.PseudoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tracefs is, and what it says about tracepoints: the {@code id} used to open a
 * tracepoint perf event and the {@code format} file that describes its record. Looks at
 * {@code /sys/kernel/tracing} then {@code /sys/kernel/debug/tracing}; when neither is mounted
 * and the process may mount, mounts tracefs at {@code /sys/kernel/tracing} and logs it.
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
    private static final Logger LOG = LoggerFactory.getLogger(Tracefs.class);
    /** The standard mount point. */
    public static final Path TRACING = Path.of("/sys/kernel/tracing");
    /** The legacy location under debugfs. */
    public static final Path DEBUG_TRACING = Path.of("/sys/kernel/debug/tracing");

    private static volatile Path root;

    private Tracefs() {
    }

    /** The tracefs root, mounting tracefs with the system kernel if needed. */
    public static Path root() {
        return root(Kernel.system());
    }

    /** The tracefs root, mounting tracefs through {@code kernel} if needed. */
    public static Path root(Kernel kernel) {
        Path r = root;
        if (r != null) {
            return r;
        }
        synchronized (Tracefs.class) {
            if (root != null) {
                return root;
            }
            for (Path p : new Path[] {TRACING, DEBUG_TRACING}) {
                if (Files.isDirectory(p.resolve("events"))) {
                    root = p;
                    return p;
                }
            }
            try {
                kernel.mount("nodev", TRACING.toString(), "tracefs", 0);
            } catch (BpfException e) {
                throw new BpfException("mount -t tracefs nodev " + TRACING, e.errno(),
                        "tracefs is not mounted at " + TRACING + " or " + DEBUG_TRACING
                                + " and mounting it failed; as root run: mount -t tracefs nodev " + TRACING, e);
            }
            LOG.info("mounted tracefs at {} (it was not mounted)", TRACING);
            if (!Files.isDirectory(TRACING.resolve("events"))) {
                throw new BpfException("tracefs", Errno.ENOENT, "mounted tracefs at " + TRACING
                        + " but it has no events directory (kernel built without tracepoints?)");
            }
            root = TRACING;
            return TRACING;
        }
    }

    /** {@code <tracefs>/events/<category>/<name>}, names validated. */
    public static Path eventDir(String category, String name) {
        checkEventName("tracepoint category", category);
        checkEventName("tracepoint name", name);
        return root().resolve("events").resolve(category).resolve(name);
    }

    /** The {@code format} file describing a tracepoint's record. */
    public static Path formatPath(String category, String name) {
        return eventDir(category, name).resolve("format");
    }

    /** The tracepoint's id (for {@code perf_event_open} with {@code PERF_TYPE_TRACEPOINT}). */
    public static int tracepointId(String category, String name) {
        Path id = eventDir(category, name).resolve("id");
        try {
            return Integer.parseInt(PseudoFiles.readTrimmed(id));
        } catch (IOException e) {
            String hint = Files.isDirectory(id.getParent().getParent())
                    ? "no tracepoint '" + name + "' in category '" + category + "' (" + id + " missing); see "
                    + root().resolve("available_events")
                    : "no tracepoint category '" + category + "' (" + id.getParent().getParent() + " missing); see "
                    + root().resolve("available_events");
            throw new BpfException("tracepoint " + category + "/" + name, Errno.ENOENT, hint, e);
        }
    }

    /** True if the tracepoint exists. */
    public static boolean exists(String category, String name) {
        return Files.exists(eventDir(category, name).resolve("id"));
    }

    static void checkEventName(String what, String value) {
        Names.checkTracefsName(what, value);
        if (value.contains("/") || value.equals("..") || value.equals(".")) {
            throw new IllegalArgumentException(what + " '" + value + "' must not contain '/' or be '.' or '..'");
        }
    }
}
