package io.bpf4j.core;

/**
 * Where in the user's Java code an instruction was appended: recorded by the builder when source
 * positions are on, so a verifier rejection can point at a Java line.
 *
 * <pre>{@code
 * Program p = Program.builder().recordSourcePositions(true).mov64(Reg.R0, 0).exit().build();
 * p.sourcePosition(0);   // e.g. MyTracer.build(MyTracer.java:42)
 * }</pre>
 *
 * @param className the declaring class of the calling method
 * @param method the calling method
 * @param file the source file name, or null if unknown
 * @param line the line number, or -1
 */
public record SourcePosition(String className, String method, String file, int line) {
    /** {@code Class.method(File.java:42)}, as in a stack trace. */
    @Override
    public String toString() {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return simple + "." + method + "(" + (file == null ? "Unknown Source" : file + ":" + line) + ")";
    }
}
