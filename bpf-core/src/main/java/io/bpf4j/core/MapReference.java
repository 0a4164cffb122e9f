package io.bpf4j.core;

/**
 * Something a program refers to by {@code ld_imm64} as a map: a name, and an fd once the map
 * exists. bpf-syscall's maps implement it; a program built before its maps exist refers to them by
 * name and the loader substitutes the fds.
 *
 * <pre>{@code
 * MapReference events = MapReference.named("events");      // fd filled in at load
 * Program.builder().ldMap(Reg.R1, events) ...
 * }</pre>
 */
public interface MapReference {
    /** The map's name, used to match it at load time. */
    String name();

    /** The map's file descriptor, or -1 while it has none. */
    int fd();

    /** A reference by name only, resolved when the program is loaded. */
    static MapReference named(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("map reference: name missing");
        }
        return new MapReference() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int fd() {
                return -1;
            }

            @Override
            public String toString() {
                return "map '" + name + "'";
            }
        };
    }

    /** A reference to a map that already has file descriptor {@code fd} (used as is, no lookup at load). */
    static MapReference ofFd(String name, int fd) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("map reference: name missing");
        }
        if (fd < 0) {
            throw new IllegalArgumentException("map reference '" + name + "': fd " + fd + " invalid: expected >= 0");
        }
        return new MapReference() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int fd() {
                return fd;
            }

            @Override
            public String toString() {
                return "map '" + name + "' (fd " + fd + ")";
            }
        };
    }
}
