package io.bpf4j.kprobe;

/**
 * Where a {@link ProbeProgram} is meant to be attached: a kernel function, a function in a
 * user-space binary, a tracepoint or a raw tracepoint. A plain value: the attaching itself is
 * bpf-syscall's work.
 *
 * <pre>{@code
 * AttachPoint k = new AttachPoint.KernelFunction("do_execveat_common");
 * AttachPoint u = new AttachPoint.UserFunction("/usr/lib/x86_64-linux-gnu/libc.so.6", "malloc", 0);
 * AttachPoint t = new AttachPoint.Tracepoint("sched", "sched_process_exec");
 * t.toString();   // "tracepoint:sched/sched_process_exec"
 * }</pre>
 */
public sealed interface AttachPoint {

    /**
     * A kernel function, for kprobes and kretprobes.
     *
     * @param function the symbol, as in {@code /proc/kallsyms}
     */
    record KernelFunction(String function) implements AttachPoint {
        public KernelFunction {
            Names.checkSymbol(function, "kernel function");
        }

        @Override
        public String toString() {
            return "kprobe:" + function;
        }
    }

    /**
     * A function in a user-space ELF file, for uprobes and uretprobes.
     *
     * @param binary path of the executable or shared library
     * @param symbol the function's symbol, or null when only {@code offset} locates it
     * @param offset bytes added to the symbol's address (with no symbol: the file offset)
     */
    record UserFunction(String binary, String symbol, long offset) implements AttachPoint {
        public UserFunction {
            if (binary == null || binary.isEmpty()) {
                throw new IllegalArgumentException("user function: binary path missing");
            }
            if (symbol != null) {
                Names.checkUserSymbol(symbol, "user function");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("user function: offset " + offset + " is negative: expected >= 0");
            }
            if (symbol == null && offset == 0) {
                throw new IllegalArgumentException("user function in " + binary + ": give a symbol or a file offset");
            }
        }

        @Override
        public String toString() {
            return "uprobe:" + binary + ":" + (symbol == null ? "" : symbol) + (offset == 0 ? "" : "+0x" + Long.toHexString(offset));
        }
    }

    /**
     * A static tracepoint, {@code events/<category>/<name>} under tracefs.
     *
     * @param category the subsystem, e.g. {@code sched}
     * @param name the event, e.g. {@code sched_process_exec}
     */
    record Tracepoint(String category, String name) implements AttachPoint {
        public Tracepoint {
            Names.checkSymbol(category, "tracepoint category");
            Names.checkSymbol(name, "tracepoint name");
        }

        @Override
        public String toString() {
            return "tracepoint:" + category + "/" + name;
        }
    }

    /**
     * A raw tracepoint, by the tracepoint's name (no category).
     *
     * @param name e.g. {@code sched_switch}
     */
    record RawTracepoint(String name) implements AttachPoint {
        public RawTracepoint {
            Names.checkSymbol(name, "raw tracepoint");
        }

        @Override
        public String toString() {
            return "raw_tracepoint:" + name;
        }
    }
}
