package io.bpf4j.core;

import java.util.Collection;
import java.util.stream.Collectors;

/** "Did you mean …" for unknown names: the known names within a small edit distance. */
final class Suggestions {
    private Suggestions() {
    }

    /** {@code "; did you mean 'out'?"}, {@code "; known: a, b"}, or {@code "; no labels are defined"}. */
    static String didYouMean(String name, Collection<String> known) {
        if (known.isEmpty()) {
            return "; no labels are defined";
        }
        int limit = Math.max(2, name.length() / 3);
        String close = known.stream()
                .filter(k -> distance(name, k) <= limit)
                .sorted((a, b) -> Integer.compare(distance(name, a), distance(name, b)))
                .limit(3)
                .map(k -> "'" + k + "'")
                .collect(Collectors.joining(", "));
        if (!close.isEmpty()) {
            return "; did you mean " + close + "?";
        }
        return known.size() <= 8 ? "; known labels: " + known.stream().sorted().collect(Collectors.joining(", ")) : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
