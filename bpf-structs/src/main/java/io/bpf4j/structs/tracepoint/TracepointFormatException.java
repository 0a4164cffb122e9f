package io.bpf4j.structs.tracepoint;

/**
 * A tracepoint {@code format} file could not be parsed; the message names the line.
 *
 * <pre>{@code
 * try {
 *     TracepointFormat.parse(text);
 * } catch (TracepointFormatException e) {
 *     System.err.println("line " + e.line() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public final class TracepointFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    /** A problem on (1-based) {@code line}. */
    public TracepointFormatException(int line, String problem) {
        super("tracepoint format line " + line + ": " + problem);
        this.line = line;
    }

    /** The 1-based line of the problem. */
    public int line() {
        return line;
    }
}
