package io.bpf4j.core;

/**
 * The eleven BPF registers. r0 holds return values, r1..r5 carry call arguments (and are clobbered
 * by calls), r6..r9 survive calls, r10 is the read-only frame pointer.
 *
 * <pre>{@code
 * Program.builder().mov64(Reg.R0, 0).exit().build();
 * Reg.of(10) == Reg.R10;
 * }</pre>
 */
public enum Reg {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    private static final Reg[] ALL = values();

    /** The register number, 0..10, as encoded in an instruction's nibble. */
    public int number() {
        return ordinal();
    }

    /** The register with this number. */
    public static Reg of(int number) {
        if (number < 0 || number >= ALL.length) {
            throw new IllegalArgumentException("register r" + number + " does not exist: expected r0..r10");
        }
        return ALL[number];
    }

    /** The name as the verifier prints it: {@code r7}. */
    @Override
    public String toString() {
        return "r" + ordinal();
    }
}
