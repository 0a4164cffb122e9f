package io.bpf4j.syscall.internal;

import io.bpf4j.core.AssembledProgram;
import io.bpf4j.core.SourcePosition;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.VerifierException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a verifier log into a {@link VerifierException}: finds the instruction the verifier
 * stopped at (the last {@code "N: (op) ..."} line: N counts 8-byte slots), summarises the log's
 * last lines, lists our instructions around N, and names N's label and Java source line.
 */
public final class VerifierReport {
    /** A verifier trace line: slot index, opcode byte in parentheses. */
    private static final Pattern INSN_LINE = Pattern.compile("^(\\d+): \\(([0-9a-f]{2})\\)");
    /**
     * How a kernel older than an instruction refuses it, before any trace line: by opcode alone
     * ({@code unknown opcode 91}) or by a field that was reserved in its time ({@code BPF_LDX uses
     * reserved fields} for a sign-extending load on 6.1).
     */
    private static final Pattern OLDER_ISA = Pattern.compile("unknown opcode [0-9a-f]{2}|uses reserved fields");
    private static final int SUMMARY_LINES = 6;
    private static final int CONTEXT = 3;

    private VerifierReport() {
    }

    /** The exception for {@code log} produced while loading {@code assembled} under {@code programName}. */
    public static VerifierException build(String programName, Errno errno, String log, AssembledProgram assembled) {
        List<String> lines = new ArrayList<>();
        for (String l : log.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        int slot = failingSlot(lines);
        int newer = olderIsa(lines) && assembled != null ? NewerInstructions.firstSlot(assembled.bytecode()) : -1;
        if (slot < 0) {
            slot = newer;
        }
        List<String> summary = summary(lines);
        String label = null;
        String source = null;
        String listing = "";
        if (slot >= 0 && assembled != null && slot < assembled.slotCount()) {
            label = assembled.labelBefore(slot);
            int index = assembled.instructionAtSlot(slot);
            Optional<SourcePosition> pos = index >= 0 ? assembled.program().sourcePosition(index) : Optional.empty();
            source = pos.map(SourcePosition::toString).orElse(null);
            listing = Listing.around(assembled, slot, CONTEXT);
        }
        StringBuilder m = new StringBuilder();
        m.append("BPF_PROG_LOAD failed: ").append(errno.symbol()).append(" — the verifier rejected program '")
                .append(programName).append('\'');
        if (slot >= 0) {
            m.append(" at insn ").append(slot);
        }
        if (!summary.isEmpty()) {
            m.append(": ").append(summary.get(summary.size() - 1).trim());
        }
        if (newer >= 0) {
            m.append("\n  hint: this kernel's verifier predates the instruction: the fourth instruction set")
                    .append(" (sign-extending loads and moves, signed division, bswap, gotol) needs Linux 6.6, may_goto 6.9;")
                    .append(" check with Features.hasInstructionSetV4()/hasMayGoto() and emit the older form here");
        }
        if (label != null) {
            m.append("\n  in block: ").append(label);
        }
        if (source != null) {
            m.append("\n  emitted at: ").append(source);
        } else if (slot >= 0 && assembled != null && !assembled.program().hasSourcePositions()) {
            m.append("\n  emitted at: not recorded (run with -Dbpf4j.sourcePositions=true, or call")
                    .append(" ProgramBuilder.recordSourcePositions(true), to see the Java line)");
        }
        if (!listing.isEmpty()) {
            m.append("\n  our listing:\n").append(listing.stripTrailing());
        }
        m.append("\n  verifier log (last lines; the whole log is in log()):");
        for (String s : summary) {
            m.append("\n    ").append(s);
        }
        return new VerifierException(errno, m.toString(), log, slot, label, source, listing);
    }

    static int failingSlot(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher mm = INSN_LINE.matcher(lines.get(i));
            if (mm.find()) {
                return Integer.parseInt(mm.group(1));
            }
        }
        return -1;
    }

    static boolean olderIsa(List<String> lines) {
        for (String l : lines) {
            if (OLDER_ISA.matcher(l).find()) {
                return true;
            }
        }
        return false;
    }

    /** The last lines, without the statistics trailer ("processed N insns ..."). */
    static List<String> summary(List<String> lines) {
        int end = lines.size();
        while (end > 0) {
            String l = lines.get(end - 1);
            if (l.startsWith("processed ") || l.startsWith("verification time") || l.startsWith("stack depth")) {
                end--;
            } else {
                break;
            }
        }
        int start = Math.max(0, end - SUMMARY_LINES);
        return new ArrayList<>(lines.subList(start, end));
    }
}
