package io.bpf4j.core;

/**
 * An unconditional jump: {@code goto pc+off} ({@code ja}, 16-bit offset in {@code off}) or
 * {@code gotol pc+imm} (JMP32 {@code ja}, 32-bit offset in {@code imm}, Linux 6.6). A labelled
 * {@code ja} whose target is too far is assembled as {@code gotol} automatically.
 *
 * <pre>{@code
 * new GotoInsn(false, 0, "loop");   // goto loop
 * new GotoInsn(true, 70000, null);  // gotol pc+70000
 * }</pre>
 *
 * @param wide true for {@code gotol}
 * @param off offset in slots from the next instruction (ignored when {@code label} is set)
 * @param label target label, or null
 */
public record GotoInsn(boolean wide, int off, String label) implements Instruction {
    public GotoInsn {
        if (label == null && !wide) {
            Checks.s16(off, "ja");
        }
    }

    @Override
    public Kind kind() {
        return Kind.GOTO;
    }

    @Override
    public int opcode() {
        return wide ? 0x00 | CLASS_JMP32 : 0x00 | CLASS_JMP;
    }

    @Override
    public String target() {
        return label;
    }
}
