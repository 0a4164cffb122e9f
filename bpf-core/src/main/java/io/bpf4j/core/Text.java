package io.bpf4j.core;

/** Quoting user input in messages: never more than a short excerpt, so a huge token is not echoed whole. */
final class Text {
    /** Characters of input a message quotes at most. */
    static final int EXCERPT = 48;

    private Text() {
    }

    /** {@code s}, or its first {@link #EXCERPT} characters and how long it really is. */
    static String excerpt(String s) {
        if (s == null) {
            return "null";
        }
        if (s.length() <= EXCERPT) {
            return s;
        }
        return s.substring(0, EXCERPT) + "... (" + s.length() + " characters)";
    }
}
