package io.bpf4j.syscall.symbols;

import java.util.Objects;

/**
 * One named stack frame.
 *
 * <pre>{@code
 * Frame f = new Frame("Workload.hot", FrameKind.JAVA);
 * f.folded();                                     // "Workload.hot_[j]"
 * }</pre>
 *
 * @param name what the frame is called ({@code tcp_sendmsg}, {@code Workload.hot},
 *     {@code [unknown libfoo.so+0x1c2]})
 * @param kind where its code lives
 */
public record Frame(String name, FrameKind kind) {
    public Frame {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** An unnamed address, with the module it falls in if known: {@code [unknown]} or {@code [libc.so.6+0x1f2a]}. */
    public static Frame unknown(String module, long offset) {
        return new Frame(module == null ? "[unknown]" : "[" + module + "+0x" + Long.toHexString(offset) + "]",
                FrameKind.UNKNOWN);
    }

    /**
     * The frame as one element of a folded stack line: the name with ';' (the separator) and line
     * breaks replaced, plus the kind's suffix.
     */
    public String folded() {
        return name.replace(';', ':').replace('\n', ' ').replace('\r', ' ') + kind.suffix();
    }
}
