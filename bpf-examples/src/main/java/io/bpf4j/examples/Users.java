package io.bpf4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code -u UID|USERNAME}: a user id as given, or looked up by name in {@code /etc/passwd}.
 *
 * <pre>{@code
 * Users.uidIn(List.of("root:x:0:0:root:/root:/bin/bash"), "root");   // Optional[0]
 * }</pre>
 */
final class Users {
    static final Path PASSWD = Path.of("/etc/passwd");

    private Users() {
    }

    /** The uid of {@code user}, a number or a name. */
    static int uidOf(String user) {
        if (user.matches("[0-9]+")) {
            try {
                long uid = Long.parseLong(user);
                if (uid <= 0xffff_fffeL) {          // (uid_t) -1 means "no user" to the kernel
                    return (int) uid;
                }
            } catch (NumberFormatException tooLong) {
                // falls through to the message below
            }
            throw new CliValues.BadValue("--uid " + user + ": expected 0..4294967294 or a user name");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(PASSWD);
        } catch (IOException e) {
            throw new CliValues.BadValue("--uid " + user + ": cannot read " + PASSWD + " to look the name up ("
                    + e.getMessage() + "); give the number instead");
        }
        return uidIn(lines, user).orElseThrow(() -> new CliValues.BadValue("--uid " + user
                + ": no such user in " + PASSWD + "; give a user name from there or a number"));
    }

    /** The uid of {@code name} in passwd lines ({@code name:x:uid:gid:...}). */
    static Optional<Integer> uidIn(List<String> passwd, String name) {
        for (String l : passwd) {
            String[] f = l.split(":", -1);
            if (f.length > 2 && f[0].equals(name) && f[2].matches("[0-9]{1,10}")) {
                return Optional.of((int) Long.parseLong(f[2]));
            }
        }
        return Optional.empty();
    }
}
