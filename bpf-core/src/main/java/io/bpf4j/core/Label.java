package io.bpf4j.core;

/**
 * A label: names the position of the next instruction. Takes no slot in the assembled program.
 *
 * <pre>{@code
 * List<Instruction> loop = List.of(new Label("again"), new GotoInsn(false, 0, "again"));
 * }</pre>
 *
 * @param name the label's name, unique within a program
 */
public record Label(String name) implements Instruction {
    public Label {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("label: name missing");
        }
    }

    @Override
    public Kind kind() {
        return Kind.LABEL;
    }

    @Override
    public int opcode() {
        return 0;
    }

    @Override
    public int slots() {
        return 0;
    }
}
