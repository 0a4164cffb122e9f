package io.bpf4j.examples;

/**
 * Makes text from the traced system safe to print on a terminal or into a log: any user can
 * name a program or file, or pass an argument, that holds a newline (a forged row in root's
 * table) or an escape sequence (colours, cursor moves, a retitled window). Control characters
 * become visible escapes, so a field always stays on its line and never drives the terminal.
 *
 * <pre>{@code
 * TerminalText.escape("x\n09:09 FORGED")   // x\n09:09 FORGED, on one line
 * TerminalText.escape("esc\u001b[31mRED")  // esc\x1b[31mRED
 * }</pre>
 *
 * {@code \n}, {@code \r}, {@code \t} and the backslash itself ({@code \\}, so an escape cannot be
 * faked either) have short forms; other C0 controls, DEL and the C1 controls (U+0080..U+009F,
 * which some terminals obey as CSI and friends) become {@code \xNN}; line separators and
 * bidirectional overrides, which reorder or break what is shown, become {@code \\uNNNN}.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** {@code s} with every control character escaped (null stays null). */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s; // the common case: nothing to do, nothing allocated
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!needsEscape(c)) {
                b.append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';
    }
}
