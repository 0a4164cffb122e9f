package io.bpf4j.examples.profile;

import io.bpf4j.syscall.symbols.FrameKind;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The hottest functions of a profile: for each frame name that is ever a leaf, the samples where it is the leaf
 * (self) and the samples where it is anywhere on the stack (total, counted once per stack even
 * when recursive). Thread names (the root frame) are not functions and are left out.
 *
 * <pre>{@code
 * TopTable.of(folded).print(out, 20);
 * //  SELF  SELF%  TOTAL%  KIND    FUNCTION
 * //   592  60.2%   60.2%  java    Workload.sixty
 * }</pre>
 *
 * @param rows rows, hottest (by self samples, then total) first
 * @param total all samples
 */
public record TopTable(List<Row> rows, long total) {
    /**
     * One function.
     *
     * @param name the name without its folded suffix
     * @param kind where its code lives
     * @param self samples with it as the leaf
     * @param inclusive samples with it on the stack
     */
    public record Row(String name, FrameKind kind, long self, long inclusive) {
    }

    /** Ranks the functions of {@code folded}. */
    public static TopTable of(FoldedStacks folded) {
        Map<String, long[]> byFrame = new HashMap<>();
        for (Map.Entry<String, Long> e : folded.counts().entrySet()) {
            String[] frames = e.getKey().split(";");
            long c = e.getValue();
            Set<String> seen = new HashSet<>();
            for (int i = 1; i < frames.length; i++) {
                long[] v = byFrame.computeIfAbsent(frames[i], k -> new long[2]);
                if (seen.add(frames[i])) {
                    v[1] += c;
                }
                if (i == frames.length - 1) {
                    v[0] += c;
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byFrame.entrySet()) {
            if (e.getValue()[0] == 0) {
                continue;                    // never a leaf: not where the CPU time went
            }
            FrameKind kind = FrameKind.fromFolded(e.getKey());
            String name = e.getKey().substring(0, e.getKey().length() - kind.suffix().length());
            rows.add(new Row(name, kind, e.getValue()[0], e.getValue()[1]));
        }
        rows.sort((a, b) -> a.self() != b.self() ? Long.compare(b.self(), a.self())
                : a.inclusive() != b.inclusive() ? Long.compare(b.inclusive(), a.inclusive()) : a.name().compareTo(b.name()));
        return new TopTable(List.copyOf(rows), folded.total());
    }

    /** Prints the {@code n} hottest rows. */
    public void print(PrintWriter out, int n) {
        out.printf(Locale.ROOT, "%8s %6s %7s  %-7s %s%n", "SELF", "SELF%", "TOTAL%", "KIND", "FUNCTION");
        for (int i = 0; i < Math.min(n, rows.size()); i++) {
            Row r = rows.get(i);
            out.printf(Locale.ROOT, "%8d %5.1f%% %6.1f%%  %-7s %s%n", r.self(), percent(r.self()), percent(r.inclusive()),
                    kindLabel(r.kind()), r.name());
        }
        out.flush();
    }

    private double percent(long n) {
        return total == 0 ? 0 : 100.0 * n / total;
    }

    static String kindLabel(FrameKind kind) {
        switch (kind) {
            case KERNEL:
                return "kernel";
            case JAVA:
                return "java";
            case INTERPRETER:
                return "interp";
            case JVM_STUB:
                return "jvm";
            case NATIVE:
                return "native";
            default:
                return "?";
        }
    }
}
