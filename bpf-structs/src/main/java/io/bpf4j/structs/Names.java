package io.bpf4j.structs;

import java.util.Set;
import java.util.regex.Pattern;

/** Identifier checks, C names and "did you mean" suggestions for struct and field names. */
final class Names {
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * C11's keywords: a field or tag so named would not compile. Type names ({@code bool},
     * {@code __u32}) stay allowed: members and tags have their own name spaces in C, and the
     * kernel uses them (SELinux's {@code struct cond_expr_node} has a member {@code bool} in 6.1).
     */
    private static final Set<String> RESERVED = Set.of(
            "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
            "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
            "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
            "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex",
            "_Imaginary", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
            "_Thread_local");

    private Names() {
    }

    static void checkIdentifier(String name, String what) {
        if (name == null || !IDENT.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name " + (name == null ? "null" : "'" + name + "'")
                    + " is not a C identifier: expected letters, digits and '_', not starting with a digit");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException(what + " name '" + name + "' is a C keyword: pick another");
        }
    }

    /** {@code ProcessExecEvent} → {@code process_exec_event}; {@code HTTPEvent} → {@code http_event}. */
    static String snake(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean prevLower = i > 0 && (Character.isLowerCase(name.charAt(i - 1)) || Character.isDigit(name.charAt(i - 1)));
                boolean acronymEnd = i > 0 && Character.isUpperCase(name.charAt(i - 1))
                        && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_' && (prevLower || acronymEnd)) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
