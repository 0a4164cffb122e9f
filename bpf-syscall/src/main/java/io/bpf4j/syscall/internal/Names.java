package io.bpf4j.syscall.internal;

/**
 * Checks names before they reach the kernel: object names ({@code BPF_OBJ_NAME_LEN} 16 with
 * the NUL, characters {@code [A-Za-z0-9_.]} as {@code bpf_obj_name_cpy} accepts) and names
 * written into tracefs control files, where a newline would start a new command and a space a
 * new field.
 */
public final class Names {
    private Names() {
    }

    /** Throws if {@code name} is not a valid map or program name. Empty is allowed. */
    public static void checkObjectName(String what, String name) {
        if (name == null) {
            throw new IllegalArgumentException(what + " name missing");
        }
        if (name.length() > Attr.OBJ_NAME_LEN - 1) {
            throw new IllegalArgumentException(what + " name '" + name + "' is " + name.length()
                    + " characters: the kernel allows at most " + (Attr.OBJ_NAME_LEN - 1) + " (BPF_OBJ_NAME_LEN - 1)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.')) {
                throw new IllegalArgumentException(what + " name '" + printable(name) + "': character "
                        + describe(c) + " at index " + i + " not allowed: expected letters, digits, '_' or '.'");
            }
        }
    }

    /** Throws if {@code value} could inject into a tracefs control file (control chars, space, empty). */
    public static void checkTracefsName(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " missing");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(what + " '" + printable(value) + "' contains " + describe(c)
                        + " at index " + i + ": tracefs names must not contain spaces or control characters");
            }
        }
    }

    /** The name with control characters escaped, for messages. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c < ' ' || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String describe(char c) {
        if (c == '\n') {
            return "a newline";
        }
        if (c == ' ') {
            return "a space";
        }
        if (c == '\t') {
            return "a tab";
        }
        if (c < ' ' || c == 0x7f) {
            return String.format("control character 0x%02x", (int) c);
        }
        return "'" + c + "'";
    }
}
