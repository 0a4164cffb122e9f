package io.bpf4j.syscall;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * Finds the symbol the kernel has for the function a user names. GCC emits local copies of a
 * function under suffixed names ({@code do_execveat_common.isra.0} on Debian's 6.1, where the
 * plain name does not exist); a kprobe must name the copy. An exact match wins; otherwise the one
 * clone that can be traced (listed in tracefs {@code available_filter_functions} when tracefs is
 * readable) is taken, and several candidates are an error that lists them. Reads
 * {@code /proc/kallsyms} and tracefs through the {@link Kernel}'s file seam.
 */
final class KernelFunctions {
    private static final Logger LOG = Logs.get(KernelFunctions.class);
    static final Path KALLSYMS = Path.of("/proc/kallsyms");
    /** The suffixes GCC and LLVM give local clones: {@code .isra.0}, {@code .constprop.0.isra.0}, {@code .part.0}, {@code .cold}, {@code .llvm.123}. */
    private static final Pattern CLONE_SUFFIX = Pattern.compile("(\\.(isra|constprop|part|cold|localalias|llvm)(\\.\\d+)?)+");

    private KernelFunctions() {
    }

    /**
     * The symbol to probe for {@code function}: itself when the kernel has it (or when nothing can
     * be read to say otherwise), else its single traceable clone.
     *
     * @throws BpfException ENOENT when several clones could be meant, listing them
     */
    static String resolve(Kernel kernel, String function) {
        String kallsyms = read(kernel, KALLSYMS);
        if (kallsyms == null || hasSymbol(kallsyms, function, 2)) {
            return function;
        }
        List<String> entries = new ArrayList<>();
        for (String clone : clones(kallsyms, function)) {
            if (!clone.contains(".cold")) {
                entries.add(clone);
            }
        }
        if (entries.isEmpty()) {
            return function;       // the kernel's ENOENT gets the hint from diagnose()
        }
        String traceable = availableFilterFunctions(kernel);
        if (traceable != null) {
            entries.removeIf(c -> !hasSymbol(traceable, c, 0));
        }
        if (entries.size() == 1) {
            String symbol = entries.get(0);
            LOG.info("kernel function {} is {} in this kernel (a compiler clone; the plain name is not in {}): probing it",
                    function, symbol, KALLSYMS);
            return symbol;
        }
        if (entries.isEmpty()) {
            return function;
        }
        throw new BpfException("kprobe " + function, Errno.ENOENT, "kernel function '" + function + "' is not in "
                + KALLSYMS + " under that name but as " + entries.size() + " compiler clones: " + String.join(", ", entries)
                + "; probe the one you mean by its full name, e.g. AttachPoint.kprobe(\"" + entries.get(0) + "\")");
    }

    /** Every {@code function.<suffix>} clone in {@code kallsyms}, in file order, without duplicates. */
    static List<String> clones(String kallsyms, String function) {
        List<String> out = new ArrayList<>();
        String prefix = " " + function + ".";
        int from = 0;
        while (true) {
            int at = kallsyms.indexOf(prefix, from);
            if (at < 0) {
                return out;
            }
            int start = at + 1;
            int end = start;
            while (end < kallsyms.length() && !Character.isWhitespace(kallsyms.charAt(end))) {
                end++;
            }
            String name = kallsyms.substring(start, end);
            if (CLONE_SUFFIX.matcher(name.substring(function.length())).matches() && !out.contains(name)) {
                out.add(name);
            }
            from = end;
        }
    }

    /**
     * Why {@code function} could not be probed, from {@code /proc/kallsyms} ("addr type name
     * [module]" lines) and tracefs {@code available_filter_functions} ("name [module]" lines);
     * either may be null when unreadable. Says only what those files show.
     */
    static String diagnose(String function, String kallsyms, String traceable) {
        if (kallsyms != null && !hasSymbol(kallsyms, function, 2)) {
            List<String> clones = clones(kallsyms, function);
            if (clones.isEmpty()) {
                return "kernel function '" + function + "' does not exist in this kernel: no symbol '" + function
                        + "' or clone of it ('" + function + ".isra.0', ...) in " + KALLSYMS
                        + " (misspelt, inlined into every caller, or in a module that is not loaded)";
            }
            return "kernel function '" + function + "' is not in " + KALLSYMS + " under that name; found: "
                    + String.join(", ", clones) + (traceable == null ? "" : " (none of them traceable)")
                    + ": probe one by its full name";
        }
        if (traceable != null && !hasSymbol(traceable, function, 0)) {
            return "kernel function '" + function + "' exists but cannot be probed: it is notrace or on the kprobe "
                    + "blacklist (not in <tracefs>/available_filter_functions)";
        }
        return "kernel function '" + function + "' is in " + KALLSYMS + " but the kernel refused the probe: check "
                + "/sys/kernel/debug/kprobes/blacklist (functions there cannot be probed)";
    }

    /** {@link #diagnose} with the files read through {@code kernel}. */
    static String diagnose(Kernel kernel, String function) {
        return diagnose(function, read(kernel, KALLSYMS), availableFilterFunctions(kernel));
    }

    /**
     * The kernel functions a kprobe can go on: the names in tracefs {@code available_filter_functions},
     * else the text symbols ({@code t}/{@code T}) of {@code /proc/kallsyms}; sorted, without duplicates.
     */
    static List<String> traceable(Kernel kernel) {
        String text = availableFilterFunctions(kernel);
        int field = 0;
        if (text == null) {
            text = read(kernel, KALLSYMS);
            field = 2;
            if (text == null) {
                return List.of();
            }
        }
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > field && (field == 0 || f[1].equalsIgnoreCase("t"))) {
                names.add(f[field]);
            }
        }
        return List.copyOf(names);
    }

    private static String availableFilterFunctions(Kernel kernel) {
        try {
            return read(kernel, Tracefs.root(kernel).resolve("available_filter_functions"));
        } catch (BpfException noTracefs) {
            return null;          // no tracefs: decide without the traceable list
        }
    }

    private static String read(Kernel kernel, Path p) {
        try {
            return kernel.readFile(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** True if whitespace-separated field {@code field} of some line of {@code text} equals {@code name}. */
    static boolean hasSymbol(String text, String name, int field) {
        int from = 0;
        while (true) {
            int at = text.indexOf(name, from);
            if (at < 0) {
                return false;
            }
            from = at + name.length();
            boolean startsField = at == 0 || Character.isWhitespace(text.charAt(at - 1));
            boolean endsField = from == text.length() || Character.isWhitespace(text.charAt(from));
            if (!startsField || !endsField) {
                continue;
            }
            int lineStart = text.lastIndexOf('\n', at) + 1;
            int index = 0;
            for (int i = lineStart; i < at; i++) {
                if (!Character.isWhitespace(text.charAt(i)) && (i == lineStart || Character.isWhitespace(text.charAt(i - 1)))) {
                    index++;
                }
            }
            if (index == field) {
                return true;
            }
        }
    }
}
