package io.bpf4j.syscall.symbols;

/**
 * Reads the names out of common Itanium C++ ABI mangled symbols (what g++ and clang emit on
 * Linux), for frames: {@code _ZN9JavaCalls11call_helperEP9JavaValue...} becomes
 * {@code JavaCalls::call_helper}, {@code _ZL19thread_native_entryP6Thread} becomes
 * {@code thread_native_entry}. Parameter types are dropped (a flame graph wants the function),
 * template arguments are shown as {@code <>}; anything this reader does not follow (operators,
 * substitutions inside the name, local entities) is returned unchanged.
 *
 * <pre>{@code
 * Demangler.simple("_ZN6Thread8call_runEv");        // "Thread::call_run"
 * }</pre>
 */
public final class Demangler {
    private Demangler() {
    }

    /** The qualified function name of {@code symbol}, or {@code symbol} itself if it is not one this reader follows. */
    public static String simple(String symbol) {
        if (!symbol.startsWith("_Z") || symbol.length() < 4) {
            return symbol;
        }
        int dot = symbol.indexOf('.');                  // gcc clones: name.constprop.0, name.isra.0
        String clone = dot > 0 ? symbol.substring(dot) : "";
        String s = dot > 0 ? symbol.substring(0, dot) : symbol;
        int[] at = {2};
        if (at[0] < s.length() && s.charAt(at[0]) == 'L') {
            at[0]++;                                    // internal linkage
        }
        StringBuilder out = new StringBuilder();
        if (at[0] < s.length() && s.charAt(at[0]) == 'N') {
            at[0]++;
            while (at[0] < s.length() && "KVrRO".indexOf(s.charAt(at[0])) >= 0) {
                at[0]++;                                // cv- and ref-qualifiers of a member function
            }
            String last = null;
            while (at[0] < s.length() && s.charAt(at[0]) != 'E') {
                char c = s.charAt(at[0]);
                String part;
                if (Character.isDigit(c)) {
                    part = sourceName(s, at);
                } else if (c == 'C' && at[0] + 1 < s.length() && "1234".indexOf(s.charAt(at[0] + 1)) >= 0 && last != null) {
                    part = last;                        // constructor
                    at[0] += 2;
                } else if (c == 'D' && at[0] + 1 < s.length() && "0124".indexOf(s.charAt(at[0] + 1)) >= 0 && last != null) {
                    part = "~" + last;                  // destructor
                    at[0] += 2;
                } else if (c == 'I') {
                    if (!skipTemplateArgs(s, at)) {
                        return symbol;
                    }
                    out.append("<>");
                    continue;
                } else {
                    return symbol;
                }
                if (part == null) {
                    return symbol;
                }
                if (out.length() > 0) {
                    out.append("::");
                }
                out.append(part);
                last = part;
            }
            if (at[0] >= s.length() || out.length() == 0) {
                return symbol;
            }
        } else if (at[0] < s.length() && Character.isDigit(s.charAt(at[0]))) {
            String part = sourceName(s, at);
            if (part == null) {
                return symbol;
            }
            out.append(part);
        } else {
            return symbol;
        }
        return out + clone;
    }

    /** {@code <length><identifier>} at {@code at[0]}, advancing past it; null if malformed. */
    private static String sourceName(String s, int[] at) {
        int i = at[0];
        int n = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            n = n * 10 + (s.charAt(i) - '0');
            if (n > s.length()) {
                return null;
            }
            i++;
        }
        if (n == 0 || i + n > s.length()) {
            return null;
        }
        at[0] = i + n;
        return s.substring(i, i + n);
    }

    /**
     * Skips {@code I ... E} with nesting ({@code I}/{@code N} open, {@code E} closes), source
     * names, substitutions ({@code S_}, {@code S0_}, {@code St}) and literals ({@code Lm299110E},
     * {@code LNS_4TypeE3E}); false if it does not close or holds something else.
     */
    private static boolean skipTemplateArgs(String s, int[] at) {
        int depth = 0;
        int i = at[0];
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isDigit(c)) {
                int[] p = {i};
                if (sourceName(s, p) == null) {
                    return false;
                }
                i = p[0];
            } else if (c == 'I' || c == 'N') {
                depth++;
                i++;
            } else if (c == 'E') {
                depth--;
                i++;
                if (depth == 0) {
                    at[0] = i;
                    return true;
                }
            } else if (c == 'S') {
                i++;
                if (i < s.length() && Character.isLowerCase(s.charAt(i))) {
                    i++;                                // St, Sa, Ss: std abbreviations
                } else {
                    while (i < s.length() && s.charAt(i) != '_' && (Character.isDigit(s.charAt(i)) || Character.isUpperCase(s.charAt(i)))) {
                        i++;
                    }
                    if (i >= s.length() || s.charAt(i) != '_') {
                        return false;
                    }
                    i++;
                }
            } else if (c == 'L') {
                // A literal: L <type> <value> E. The type is a builtin letter or a (nested) name.
                i++;
                if (i < s.length() && Character.isLowerCase(s.charAt(i))) {
                    i++;
                } else {
                    int[] p = {i};
                    if (i < s.length() && s.charAt(i) == 'N') {
                        if (!skipTemplateArgs(s, p)) {
                            return false;
                        }
                    } else if (sourceName(s, p) == null) {
                        return false;
                    }
                    i = p[0];
                }
                if (i < s.length() && s.charAt(i) == 'n') {
                    i++;
                }
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length() || s.charAt(i) != 'E') {
                    return false;
                }
                i++;
            } else if (Character.isLowerCase(c) || c == 'P' || c == 'R' || c == 'K' || c == 'V') {
                i++;                                    // builtin types and pointer/reference/cv qualifiers
            } else {
                return false;
            }
        }
        return false;
    }
}
