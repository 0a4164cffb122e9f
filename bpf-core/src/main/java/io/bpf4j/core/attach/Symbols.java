package io.bpf4j.core.attach;

/** Checks the names an attach point carries before they reach a path, a tracefs file or the kernel. */
final class Symbols {
    private Symbols() {
    }

    /**
     * A symbol: letters, digits, '_', the '.' of compiler clones ({@code foo.isra.0}) and, where
     * {@code versions} allows, the '@' of ELF symbol versions ({@code memcpy@GLIBC_2.2.5}).
     */
    static String check(String s, String what, boolean versions) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + ": name missing");
        }
        if (s.length() > 512) {
            throw new IllegalArgumentException(what + " '" + s.substring(0, 40) + "…' has " + s.length()
                    + " characters: expected at most 512");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9') || (versions && i > 0 && c == '@');
            if (!ok) {
                throw new IllegalArgumentException(what + " '" + shown(s) + "': character " + describe(c) + " at " + i
                        + " is not allowed: expected letters, digits, '_' or '.'" + (versions ? " (and '@' of a version)" : ""));
            }
        }
        return s;
    }

    /** A tracefs event or category name: letters, digits, '_', '-' and '.' ({@code 9p}, {@code sys_enter_execve}). */
    static String checkEvent(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + ": name missing");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c == '-' || (c == '.' && i > 0) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9');
            if (!ok || s.length() > 256) {
                throw new IllegalArgumentException(what + " '" + shown(s) + "': " + (ok ? "longer than 256 characters"
                        : "character " + describe(c) + " at " + i + " is not allowed: expected letters, digits, '_', '-' or '.'"));
            }
        }
        return s;
    }

    /** A network interface name: 1..15 bytes, no '/', ':', whitespace or control characters (as the kernel's dev_valid_name). */
    static String checkInterface(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("network interface: name missing");
        }
        if (s.length() > 15 || s.equals(".") || s.equals("..")) {
            throw new IllegalArgumentException("network interface '" + shown(s) + "': "
                    + (s.length() > 15 ? "longer than 15 characters (IFNAMSIZ 16)" : "not a name"));
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == ':' || c <= ' ' || c == 0x7f || c > 0x7e) {
                throw new IllegalArgumentException("network interface '" + shown(s) + "': character " + describe(c) + " at " + i
                        + " is not allowed");
            }
        }
        return s;
    }

    private static String describe(char c) {
        switch (c) {
            case '\n':
                return "newline (\\x0a)";
            case '\t':
                return "tab (\\x09)";
            case ' ':
                return "space";
            default:
                return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : "'" + c + "'";
        }
    }

    private static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 40 ? b + "…" : b.toString();
    }
}
