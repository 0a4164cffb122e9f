package io.bpf4j.syscall.symbols;

/**
 * What a {@link Symbolizer} could learn about a JVM: whether it names Java frames (a perf map
 * was written and read), whether whole Java stacks can be walked ({@code PreserveFramePointer}),
 * and what to tell the user when not.
 *
 * <pre>{@code
 * JavaSymbols j = symbolizer.javaPerfMap(pid);
 * if (!j.perfMap()) System.err.println(j.problem());
 * }</pre>
 *
 * @param pid the process
 * @param perfMap true if its perf map was read
 * @param methods the number of code blobs in it
 * @param preserveFramePointer true/false from {@code VM.flags}, null if unknown
 * @param problem what went wrong and what to do, or null
 */
public record JavaSymbols(int pid, boolean perfMap, int methods, Boolean preserveFramePointer, String problem) {
}
