package io.bpf4j.syscall.symbols;

/**
 * Kernel function names from the text of {@code /proc/kallsyms}
 * ({@code ffffffff81000000 T _stext} or {@code ffffffffc0026ec0 t name\t[module]}): text symbols
 * only ({@code t T w W}), each ending where the next begins. When {@code kptr_restrict} hides the
 * addresses (all zero: not root, or {@code kernel.kptr_restrict=2}) nothing resolves, and
 * {@link #restricted()} says so.
 *
 * <pre>{@code
 * KernelSymbols k = KernelSymbols.parse(Files.readString(Path.of("/proc/kallsyms")));
 * k.resolve(0xffffffff81234567L);          // Frame[name=do_syscall_64, kind=KERNEL]
 * }</pre>
 */
public final class KernelSymbols {
    private final AddressIndex index;
    private final boolean restricted;

    private KernelSymbols(AddressIndex index, boolean restricted) {
        this.index = index;
        this.restricted = restricted;
    }

    /** Parses kallsyms text; lines that do not fit the format are skipped. */
    public static KernelSymbols parse(String kallsyms) {
        int capacity = 1024;
        long[] starts = new long[capacity];
        String[] names = new String[capacity];
        int n = 0;
        int lines = 0;
        int zeros = 0;
        int pos = 0;
        int len = kallsyms.length();
        while (pos < len) {
            int eol = kallsyms.indexOf('\n', pos);
            if (eol < 0) {
                eol = len;
            }
            String line = kallsyms.substring(pos, eol);
            pos = eol + 1;
            int s1 = line.indexOf(' ');
            if (s1 <= 0 || s1 + 3 > line.length() || line.charAt(s1 + 2) != ' ') {
                continue;
            }
            char type = line.charAt(s1 + 1);
            if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
                continue;
            }
            long address;
            try {
                address = Long.parseUnsignedLong(line.substring(0, s1), 16);
            } catch (NumberFormatException e) {
                continue;
            }
            lines++;
            if (address == 0) {
                zeros++;
                continue;
            }
            String rest = line.substring(s1 + 3);
            int tab = rest.indexOf('\t');
            String name = tab < 0 ? rest.trim() : rest.substring(0, tab).trim();
            if (name.isEmpty()) {
                continue;
            }
            if (n == capacity) {
                capacity *= 2;
                starts = java.util.Arrays.copyOf(starts, capacity);
                names = java.util.Arrays.copyOf(names, capacity);
            }
            starts[n] = address;
            names[n] = name;
            n++;
        }
        return new KernelSymbols(new AddressIndex(starts, new long[n], names, n), lines > 0 && zeros == lines);
    }

    /** True if the kernel hid every address (kptr_restrict): kernel frames cannot be named. */
    public boolean restricted() {
        return restricted;
    }

    /** Number of text symbols known. */
    public int size() {
        return index.size();
    }

    /** The kernel frame at {@code address}: its function, or {@code [unknown]} (kind KERNEL either way). */
    public Frame resolve(long address) {
        String name = index.nameAt(address);
        return new Frame(name != null ? name : "[unknown]", FrameKind.KERNEL);
    }
}
