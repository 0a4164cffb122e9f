package io.bpf4j.syscall.internal;

import io.bpf4j.core.AssembledProgram;

/**
 * Lines of our bytecode around a slot, for verifier errors: slot number, raw bytes, and the
 * label that starts there; the failing slot is marked {@code >}. The raw bytes are
 * {@code opcode, dst|src<<4, off (2), imm (4)} in host order.
 */
public final class Listing {
    private Listing() {
    }

    /** Slots {@code slot - context .. slot + context}. */
    public static String around(AssembledProgram a, int slot, int context) {
        byte[] code = a.bytecode();
        int n = a.slotCount();
        int from = Math.max(0, slot - context);
        int to = Math.min(n - 1, slot + context);
        StringBuilder sb = new StringBuilder();
        for (int s = from; s <= to; s++) {
            for (java.util.Map.Entry<String, Integer> e : a.labelSlots().entrySet()) {
                if (e.getValue() == s) {
                    sb.append("        ").append(e.getKey()).append(":\n");
                }
            }
            sb.append(s == slot ? "  > " : "    ").append(String.format("%3d: ", s));
            for (int b = 0; b < 8; b++) {
                sb.append(String.format("%02x", code[s * 8 + b] & 0xff)).append(b < 7 ? " " : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
