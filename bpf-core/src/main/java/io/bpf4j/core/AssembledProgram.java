package io.bpf4j.core;

import java.util.Arrays;
import java.util.Map;

/**
 * The result of assembling a {@link Program}: the bytecode, and the map from the program's
 * instruction list (labels included) to 8-byte slots, so that a verifier message about
 * "insn 7" can be traced back to an instruction, its label and its Java source line.
 *
 * <pre>{@code
 * AssembledProgram a = program.assembleDetailed(ByteOrder.nativeOrder(), true);
 * a.bytecode().length / 8;          // slots
 * a.instructionAtSlot(7);           // index into program.instructions()
 * }</pre>
 *
 * @param program the program assembled
 * @param bytecode the encoded instructions
 * @param slotOf slot index of each instruction of {@code program.instructions()}; one extra entry
 *               holds the total slot count
 * @param labelSlots slot of each label
 */
public record AssembledProgram(Program program, byte[] bytecode, int[] slotOf, Map<String, Integer> labelSlots) {

    /** Number of 8-byte slots. */
    public int slotCount() {
        return bytecode.length / 8;
    }

    /**
     * Index in {@code program.instructions()} of the instruction occupying {@code slot} (for a
     * widened jump or the second half of {@code ld_imm64}, the instruction it came from), or -1 if
     * the slot is outside the program.
     */
    public int instructionAtSlot(int slot) {
        if (slot < 0 || slot >= slotCount()) {
            return -1;
        }
        int i = Arrays.binarySearch(slotOf, 0, slotOf.length - 1, slot);
        if (i < 0) {
            i = -i - 2;
        }
        // Labels share their slot with the next instruction: move past them.
        while (i + 1 < slotOf.length - 1 && slotOf[i + 1] == slotOf[i]
                && program.instructions().get(i).kind() == Instruction.Kind.LABEL) {
            i++;
        }
        while (i < slotOf.length - 1 && program.instructions().get(i).kind() == Instruction.Kind.LABEL) {
            i++;
        }
        return i;
    }

    /** The label whose block contains {@code slot} (the nearest label at or before it), or null. */
    public String labelBefore(int slot) {
        String best = null;
        int bestSlot = -1;
        for (Map.Entry<String, Integer> e : labelSlots.entrySet()) {
            int s = e.getValue();
            if (s <= slot && s > bestSlot) {
                best = e.getKey();
                bestSlot = s;
            }
        }
        return best;
    }
}
