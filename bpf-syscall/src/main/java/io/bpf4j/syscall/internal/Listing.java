package io.bpf4j.syscall.internal;

import io.bpf4j.core.AssembledProgram;
import io.bpf4j.core.Disassembler;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Our disassembly of the instructions around a slot, for verifier errors, in the verifier's own
 * syntax (bpf-core's {@link Disassembler}) with labels and Java source positions; the failing slot
 * is marked {@code >}. If the bytes cannot be decoded the raw bytes are shown instead
 * ({@code opcode, dst|src<<4, off (2), imm (4)}, host order).
 */
public final class Listing {
    private Listing() {
    }

    /** Slots {@code slot - context .. slot + context}. */
    public static String around(AssembledProgram a, int slot, int context) {
        int from = Math.max(0, slot - context);
        int to = Math.min(a.slotCount() - 1, slot + context);
        String full;
        try {
            full = Disassembler.listing(a, ByteOrder.nativeOrder());
        } catch (RuntimeException e) {
            return rawBytes(a, slot, from, to);
        }
        StringBuilder sb = new StringBuilder();
        List<String> pendingLabels = new ArrayList<>();
        for (String line : full.split("\n")) {
            int colon = line.indexOf(':');
            int s = colon > 0 && line.chars().limit(colon).allMatch(Character::isDigit)
                    ? Integer.parseInt(line.substring(0, colon)) : -1;
            if (s < 0) {
                pendingLabels.add(line);
                continue;
            }
            if (s >= from && s <= to) {
                for (String l : pendingLabels) {
                    sb.append("      ").append(l).append('\n');
                }
                sb.append(s == slot ? "  > " : "    ").append(line).append('\n');
            }
            pendingLabels.clear();
        }
        return sb.toString();
    }

    private static String rawBytes(AssembledProgram a, int slot, int from, int to) {
        byte[] code = a.bytecode();
        StringBuilder sb = new StringBuilder();
        for (int s = from; s <= to; s++) {
            sb.append(s == slot ? "  > " : "    ").append(s).append(": ");
            for (int b = 0; b < 8; b++) {
                sb.append(String.format("%02x", code[s * 8 + b] & 0xff)).append(b < 7 ? " " : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
