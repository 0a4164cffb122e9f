package io.bpf4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Checks option values the tools take, before any work starts: a bad value is one line,
 * {@code bpf4j <tool>: --interval 0: expected ...}, and exit status 2 (a usage error), not a tool
 * that busy-loops, waits forever or silently counts nothing.
 *
 * <pre>{@code
 * Duration every = CliValues.seconds("--interval", intervalSeconds);   // null stays null
 * int pid = CliValues.runningPid("--pid", pid);
 * }</pre>
 */
final class CliValues {
    /** Longest --interval/--duration: a year (a Duration of more nanoseconds would overflow). */
    static final double MAX_SECONDS = 365 * 24 * 3600.0;

    /** A bad option value: {@link Bpf4j} prints the message as one line and exits with 2. */
    static final class BadValue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message);
        }
    }

    private CliValues() {
    }

    /** {@code seconds} as a duration; null when not given; a positive finite number up to a year otherwise. */
    static Duration seconds(String option, Double seconds) {
        if (seconds == null) {
            return null;
        }
        if (seconds.isNaN() || seconds <= 0 || seconds > MAX_SECONDS) {
            throw new BadValue(option + " " + seconds + ": expected a number of seconds greater than 0 and at most "
                    + (long) MAX_SECONDS + " (a year)");
        }
        return Duration.ofNanos(Math.max(1, (long) (seconds * 1e9)));
    }

    /** A user id: 0 .. 2^31-1 (-1, the "no user" id, matches nobody and is refused). */
    static Integer uid(String option, Integer uid) {
        if (uid != null && uid < 0) {
            throw new BadValue(option + " " + uid + ": expected a user id, 0 or more");
        }
        return uid;
    }

    /** A process id that names a running process (seen in /proc), or null when not given. */
    static Integer runningPid(String option, Integer pid) {
        if (pid == null) {
            return null;
        }
        if (pid <= 0) {
            throw new BadValue(option + " " + pid + ": expected a process id, 1 or more");
        }
        if (!Files.isDirectory(Path.of("/proc", String.valueOf(pid)))) {
            throw new BadValue(option + " " + pid + ": no such process (nothing in /proc/" + pid + ")");
        }
        return pid;
    }
}
