package io.bpf4j.syscall.symbols;

/**
 * Where a stack frame's code lives, which decides how it was named and how a flame graph
 * colours it. Each kind has the suffix that folded stacks conventionally carry
 * ({@code _[k]} kernel, {@code _[j]} JIT-compiled Java), so tools that read folded text can
 * tell them apart.
 *
 * <pre>{@code
 * FrameKind.fromFolded("do_syscall_64_[k]");   // KERNEL
 * }</pre>
 */
public enum FrameKind {
    /** Kernel code, named from {@code /proc/kallsyms}. */
    KERNEL("_[k]"),
    /** A JIT-compiled Java method, named from the JVM's perf map. */
    JAVA("_[j]"),
    /** The JVM's bytecode interpreter (the Java method it runs is not in the perf map). */
    INTERPRETER("_[i]"),
    /** JVM-generated code that is not a Java method: adapters, runtime stubs, the call stub. */
    JVM_STUB("_[s]"),
    /** Native user code (executable or shared library), named from its ELF symbol table. */
    NATIVE(""),
    /** An address nothing could name. */
    UNKNOWN("");

    private final String suffix;

    FrameKind(String suffix) {
        this.suffix = suffix;
    }

    /** The folded-stack suffix ({@code _[k]}, {@code _[j]}, …; empty for native and unknown frames). */
    public String suffix() {
        return suffix;
    }

    /** The kind a folded frame's suffix names: NATIVE when it has none ({@code [unknown]}-style names are UNKNOWN). */
    public static FrameKind fromFolded(String frame) {
        for (FrameKind k : values()) {
            if (!k.suffix.isEmpty() && frame.endsWith(k.suffix)) {
                return k;
            }
        }
        return frame.startsWith("[") && frame.endsWith("]") ? UNKNOWN : NATIVE;
    }
}
