package io.bpf4j.core;

/**
 * A program cannot be assembled: unknown or duplicate label, offset out of range, no final
 * {@code exit}. Carries the index of the offending instruction (in the builder's list, labels
 * included) and, where one is involved, the label's name.
 *
 * <pre>{@code
 * try {
 *     Program.builder().ja("nowhere").exit().build().assemble();
 * } catch (AssemblyException e) {
 *     e.index();   // 0
 *     e.label();   // "nowhere"
 * }
 * }</pre>
 */
public class AssemblyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final String label;

    public AssemblyException(int index, String label, String message) {
        super(message);
        this.index = index;
        this.label = label;
    }

    /** Index of the instruction at fault, or -1 if the program as a whole is at fault. */
    public int index() {
        return index;
    }

    /** The label involved, or null. */
    public String label() {
        return label;
    }
}
