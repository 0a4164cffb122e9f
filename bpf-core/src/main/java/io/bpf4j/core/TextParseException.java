package io.bpf4j.core;

/**
 * Assembly text cannot be parsed or assembled: names the line and column (both from 1).
 *
 * <pre>{@code
 * try {
 *     TextAssembler.parse("r11 = 0\nexit\n");
 * } catch (TextParseException e) {
 *     e.line();     // 1
 *     e.column();   // 1
 * }
 * }</pre>
 */
public class TextParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    public TextParseException(int line, int column, String message) {
        super("line " + line + (column > 0 ? ", column " + column : "") + ": " + message);
        this.line = line;
        this.column = column;
    }

    /** The line at fault, from 1. */
    public int line() {
        return line;
    }

    /** The column at fault, from 1, or 0 when the whole line is at fault. */
    public int column() {
        return column;
    }
}
