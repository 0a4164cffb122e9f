package io.bpf4j.kprobe;

/** Checks and derives the names a probe carries (symbols, program names). */
final class Names {
    /** The kernel keeps 15 characters of a program name plus a NUL ({@code BPF_OBJ_NAME_LEN}). */
    static final int MAX_PROGRAM_NAME = 15;

    private Names() {
    }

    /** A C identifier, possibly with the dots of local symbols ({@code foo.isra.0}). */
    static void checkSymbol(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + ": name missing");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                throw new IllegalArgumentException(what + " '" + s + "': character '" + c + "' at " + i
                        + " is not allowed: expected letters, digits, '_' or '.'");
            }
        }
    }

    /** Checks a program name the caller chose: the kernel accepts letters, digits, '_' and '.'. */
    static String checkProgramName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("program name missing");
        }
        if (name.length() > MAX_PROGRAM_NAME) {
            throw new IllegalArgumentException("program name '" + name + "' has " + name.length()
                    + " characters: the kernel keeps at most " + MAX_PROGRAM_NAME);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || c == '.' || Character.isLetterOrDigit(c) && c < 128)) {
                throw new IllegalArgumentException("program name '" + name + "': character '" + c + "' at " + i
                        + " is not allowed: expected letters, digits, '_' or '.'");
            }
        }
        return name;
    }

    /** A program name derived from a symbol: invalid characters become '_', cut to 15. */
    static String programNameFor(String symbol) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < symbol.length() && sb.length() < MAX_PROGRAM_NAME; i++) {
            char c = symbol.charAt(i);
            sb.append(c == '.' || c == '_' || (c < 128 && Character.isLetterOrDigit(c)) ? c : '_');
        }
        return sb.length() == 0 ? "probe" : sb.toString();
    }
}
