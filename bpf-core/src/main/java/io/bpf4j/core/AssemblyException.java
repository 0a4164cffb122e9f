package io.bpf4j.core;

/**
 * A program cannot be built or assembled: unknown or duplicate label, offset out of range, an
 * instruction a {@link Lint} rule refuses, no final {@code exit} (when assembling strictly).
 * {@link #index()} is the 8-byte slot of the offending instruction, counted as the verifier counts
 * (an {@code ld_imm64} takes two, a label none), so it lines up with a {@link Disassembler} listing
 * and a verifier log; {@link #instruction()} is its index in the builder's list (labels included),
 * and the message names both, the label before it and, when recorded, the Java line.
 *
 * <pre>{@code
 * try {
 *     Program.builder().ja("nowhere").exit().build().assemble();
 * } catch (AssemblyException e) {
 *     e.index();         // 0: slot 0
 *     e.instruction();   // 0
 *     e.label();         // "nowhere"
 * }
 * }</pre>
 */
public class AssemblyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final int instruction;
    private final String label;

    /** An error at slot {@code index} whose list index is not known apart (it is taken to be the same). */
    public AssemblyException(int index, String label, String message) {
        this(index, index, label, message);
    }

    /**
     * An error at slot {@code slot}, instruction {@code instruction} of the list.
     *
     * @param slot the slot of the instruction at fault, or -1 for the whole program
     * @param instruction its index in the instruction list (labels included), or -1
     * @param label the label involved, or null
     * @param message what is wrong
     */
    public AssemblyException(int slot, int instruction, String label, String message) {
        super(message);
        this.index = slot;
        this.instruction = instruction;
        this.label = label;
    }

    /** The 8-byte slot of the instruction at fault (as the verifier counts), or -1 if the program as a whole is at fault. */
    public int index() {
        return index;
    }

    /** The index of the instruction at fault in the instruction list (labels included), or -1. */
    public int instruction() {
        return instruction;
    }

    /** The label involved, or null. */
    public String label() {
        return label;
    }
}
