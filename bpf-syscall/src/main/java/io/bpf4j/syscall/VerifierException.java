package io.bpf4j.syscall;

import java.util.Optional;

/**
 * The verifier rejected a program. Keeps the whole verifier log; {@link #getMessage()} holds its
 * last lines, the failing instruction index (counted in 8-byte slots, as the log counts), our
 * listing of the instructions around it, the label they belong to and the Java line that
 * appended the failing instruction when source positions were recorded. Recording is off by
 * default (it walks the stack for every instruction); when it was off the message says how to
 * turn it on: {@code -Dbpf4j.sourcePositions=true}, or
 * {@code ProgramBuilder.recordSourcePositions(true)} for one builder.
 *
 * <pre>{@code
 * try {
 *     BpfProgram.load(spec);
 * } catch (VerifierException e) {
 *     e.log();                 // the complete verifier log
 *     e.failingInstruction();  // OptionalInt-like: 0
 *     e.sourcePosition();      // Optional[MyProbe.build(MyProbe.java:42)]
 * }
 * }</pre>
 */
public final class VerifierException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String log;
    private final int failingSlot;
    private final String label;
    private final String sourcePosition;
    private final String listing;

    /**
     * @param errno what {@code BPF_PROG_LOAD} returned
     * @param message the complete message (summary, listing, positions)
     * @param log the whole verifier log
     * @param failingSlot the failing instruction index, or -1 when the log names none
     * @param label the label of the block holding it, or null
     * @param sourcePosition the Java position that appended it, or null
     * @param listing our disassembly around it, or empty
     */
    public VerifierException(Errno errno, String message, String log, int failingSlot, String label,
                             String sourcePosition, String listing) {
        super(message, KernelCall.BPF_PROG_LOAD, "", errno, "the verifier rejected the program");
        this.log = log;
        this.failingSlot = failingSlot;
        this.label = label;
        this.sourcePosition = sourcePosition;
        this.listing = listing;
    }

    /** The complete verifier log. */
    public String log() {
        return log;
    }

    /** Index (in 8-byte slots) of the instruction the verifier stopped at, or -1. */
    public int failingInstruction() {
        return failingSlot;
    }

    /** The label whose block holds the failing instruction. */
    public Optional<String> label() {
        return Optional.ofNullable(label);
    }

    /**
     * The Java position that appended the failing instruction, as {@code Class.method(File.java:42)};
     * empty unless the program recorded positions ({@code -Dbpf4j.sourcePositions=true}).
     */
    public Optional<String> sourcePosition() {
        return Optional.ofNullable(sourcePosition);
    }

    /** Our listing of the instructions around the failing one (marked with {@code >}). */
    public String listing() {
        return listing;
    }
}
