package io.bpf4j.compiler;

/**
 * A construct the compiler refuses, named with the Java source position it comes from:
 * {@code MyProbe.java:42: floating point (dadd) is not supported in BPF programs: use long}.
 *
 * <pre>{@code
 * try {
 *     BpfCompiler.create().compile(MyProbe.class, "bad");
 * } catch (CompileException e) {
 *     e.file();      // "MyProbe.java"
 *     e.line();      // 42
 *     e.construct(); // "floating point (dadd)"
 * }
 * }</pre>
 */
public final class CompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String construct;

    /**
     * @param file the source file, or null if the class has none
     * @param line the source line, or -1 if unknown
     * @param construct the Java construct refused, in a few words
     * @param reason why, and what to write instead
     */
    public CompileException(String file, int line, String construct, String reason) {
        super((file == null ? "<unknown source>" : file) + (line > 0 ? ":" + line : "") + ": " + construct + ": " + reason);
        this.file = file;
        this.line = line;
        this.construct = construct;
    }

    /** The source file name ({@code MyProbe.java}), or null. */
    public String file() {
        return file;
    }

    /** The source line, or -1. */
    public int line() {
        return line;
    }

    /** The construct refused, e.g. {@code "virtual call String.length()"}. */
    public String construct() {
        return construct;
    }
}
