package io.bpf4j.examples.profile;

import io.bpf4j.syscall.symbols.Frame;
import io.bpf4j.syscall.symbols.FrameKind;
import io.bpf4j.syscall.symbols.Symbolizer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stacks in the folded format every flame-graph tool reads: one line per distinct stack,
 * {@code comm;outer;…;leaf COUNT}, the root first and the leaf last, user frames before kernel
 * frames. Frames carry the usual suffixes ({@code _[k]} kernel, {@code _[j]} JIT-compiled Java,
 * {@code _[i]} interpreter, {@code _[s]} JVM stub; see {@link FrameKind}).
 *
 * <pre>{@code
 * FoldedStacks f = FoldedStacks.parse("java;Workload.main_[j];Workload.hot_[j] 17\n");
 * f.total();                                   // 17
 * }</pre>
 *
 * @param counts stack (frames joined by ';') to samples, sorted by stack
 */
public record FoldedStacks(Map<String, Long> counts) {
    /** Placeholder frames for stacks the kernel could not record (collisions, full stack map). */
    static final String LOST_USER = "[lost user stack]";
    static final String LOST_KERNEL = "[lost kernel stack]";

    public FoldedStacks {
        counts = Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /**
     * Names the samples' frames and folds them. A stack not collected ({@code -U}/{@code -K}) or
     * absent (no user stack in a kernel thread) adds no frames; a lost one adds a placeholder.
     */
    public static FoldedStacks of(List<StackSample> samples, Symbolizer symbolizer) {
        Map<String, Long> out = new TreeMap<>();
        for (StackSample s : samples) {
            List<String> frames = new ArrayList<>();
            frames.add(s.comm().isEmpty() ? "[" + s.pid() + "]" : s.comm().replace(';', ':').replace(' ', '_'));
            if (s.userLost()) {
                frames.add(LOST_USER);
            }
            List<Frame> user = symbolizer.user(s.pid(), s.user());
            for (int i = user.size() - 1; i >= 0; i--) {
                frames.add(user.get(i).folded());
            }
            if (s.kernelLost()) {
                frames.add(LOST_KERNEL);
            }
            List<Frame> kernel = symbolizer.kernel(s.kernel());
            for (int i = kernel.size() - 1; i >= 0; i--) {
                frames.add(kernel.get(i).folded());
            }
            out.merge(String.join(";", frames), s.count(), Long::sum);
        }
        return new FoldedStacks(out);
    }

    /** Parses folded text ({@code stack COUNT} per line; blank lines and lines without a count are skipped). */
    public static FoldedStacks parse(String text) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            int space = l.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                out.merge(l.substring(0, space), Long.parseLong(l.substring(space + 1)), Long::sum);
            } catch (NumberFormatException e) {
                // Not a folded line.
            }
        }
        return new FoldedStacks(out);
    }

    /** All samples. */
    public long total() {
        long t = 0;
        for (long c : counts.values()) {
            t += c;
        }
        return t;
    }

    /** Prints one {@code stack COUNT} line per stack, sorted by stack. */
    public void print(PrintWriter out) {
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            out.println(e.getKey() + " " + e.getValue());
        }
        out.flush();
    }
}
