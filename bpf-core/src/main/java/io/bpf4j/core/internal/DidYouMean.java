package io.bpf4j.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * "Did you mean …" for an unknown name (label, field, helper): the known names within a small
 * edit distance, or the whole list when it is short. Used by every bpf4j error that names
 * something the user misspelled. Not public API: the module exports this package only to the
 * bpf4j modules that use it.
 *
 * <pre>{@code
 * DidYouMean.hint("ot", List.of("out", "loop"), "labels", 8);   // "; did you mean 'out'?"
 * DidYouMean.hint("zzz", List.of("a", "b"), "labels", 8);       // "; known labels: a, b"
 * DidYouMean.hint("x", List.of(), "labels", 8);                 // "; no labels are defined"
 * }</pre>
 */
public final class DidYouMean {
    private DidYouMean() {
    }

    /**
     * A suffix for an error message.
     *
     * @param name the unknown name
     * @param known the names that exist
     * @param noun what the names are, plural ("labels", "fields")
     * @param listLimit list all known names, in the collection's order, when there are at most this many
     */
    public static String hint(String name, Collection<String> known, String noun, int listLimit) {
        if (known.isEmpty()) {
            return "; no " + noun + " are defined";
        }
        List<String> close = closest(name, known, 3);
        if (!close.isEmpty()) {
            return "; did you mean " + close.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ")) + "?";
        }
        return known.size() <= listLimit
                ? "; known " + noun + ": " + String.join(", ", known)
                : "";
    }

    /** Up to {@code max} known names within a third of {@code name}'s length (at least 2 edits), closest first; case is ignored. */
    public static List<String> closest(String name, Collection<String> known, int max) {
        String n = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, name.length() / 3);
        List<String> out = new ArrayList<>();
        for (String k : known) {
            if (distance(n, k.toLowerCase(Locale.ROOT)) <= limit) {
                out.add(k);
            }
        }
        out.sort(Comparator.comparingInt((String k) -> distance(n, k.toLowerCase(Locale.ROOT))).thenComparing(k -> k));
        return out.size() > max ? out.subList(0, max) : out;
    }

    /** Levenshtein distance between {@code a} and {@code b}. */
    public static int distance(String a, String b) {
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
