package io.bpf4j.examples;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the {@code asm} and {@code disasm} commands share: the standard byte streams (read when
 * used, so tests that run the commands in-process can set them with {@code System.setIn/setOut})
 * and short excerpts of user input for messages.
 */
final class Cli {
    /** Characters of user input a message quotes at most: a 100,000-character name is not echoed whole. */
    static final int EXCERPT = 64;

    private Cli() {
    }

    static InputStream stdin() {
        return System.in;
    }

    static OutputStream stdout() {
        return System.out;
    }

    /** {@code s}, or its first {@link #EXCERPT} characters and its length. */
    static String excerpt(String s) {
        if (s == null || s.length() <= EXCERPT) {
            return s;
        }
        return s.substring(0, EXCERPT) + "... (" + s.length() + " characters)";
    }
}
