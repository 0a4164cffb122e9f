package io.bpf4j.core;

/**
 * {@code may_goto pc+off} ({@code BPF_JMP | BPF_JCOND}, Linux 6.9): a jump the kernel takes once a
 * loop has run long enough, letting open-coded loops pass the verifier.
 *
 * <pre>{@code
 * new MayGotoInsn(0, "done");   // may_goto done
 * }</pre>
 *
 * @param off offset in slots from the next instruction (ignored when {@code label} is set)
 * @param label target label, or null
 */
public record MayGotoInsn(int off, String label) implements Instruction {
    public MayGotoInsn {
        if (label == null) {
            Checks.s16(off, "may_goto");
        }
    }

    @Override
    public Kind kind() {
        return Kind.MAY_GOTO;
    }

    @Override
    public int opcode() {
        return 0xe0 | CLASS_JMP;
    }

    @Override
    public String target() {
        return label;
    }
}
