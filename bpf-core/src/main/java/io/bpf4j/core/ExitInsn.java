package io.bpf4j.core;

/**
 * {@code exit}: return r0 to the caller (opcode 0x95).
 *
 * <pre>{@code
 * Program.builder().mov64(Reg.R0, 0).append(new ExitInsn()).build();
 * }</pre>
 */
public record ExitInsn() implements Instruction {
    @Override
    public Kind kind() {
        return Kind.EXIT;
    }

    @Override
    public int opcode() {
        return 0x90 | CLASS_JMP;
    }
}
