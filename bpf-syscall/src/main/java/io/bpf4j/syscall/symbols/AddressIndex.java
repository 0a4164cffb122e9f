package io.bpf4j.syscall.symbols;

import java.util.Arrays;

/**
 * Sorted start addresses with a name and an end each, searched by binary search: the shape
 * every symbol source here reduces to. A symbol without a size ends where the next one starts
 * (kallsyms has no sizes; some ELF symbols have size 0).
 */
final class AddressIndex {
    private final long[] starts;
    private final long[] ends;
    private final String[] names;

    /** Builds from parallel arrays (any order); {@code sizes[i] == 0} means "up to the next symbol". */
    AddressIndex(long[] starts, long[] sizes, String[] names, int count) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(starts[a], starts[b]));
        this.starts = new long[count];
        this.ends = new long[count];
        this.names = new String[count];
        for (int i = 0; i < count; i++) {
            int k = order[i];
            this.starts[i] = starts[k];
            this.names[i] = names[k];
            this.ends[i] = sizes[k] > 0 ? starts[k] + sizes[k] : 0;
        }
        for (int i = 0; i < count; i++) {
            if (ends[i] == 0) {
                // Up to the next symbol that starts after this one (or one page when it is the last).
                int j = i + 1;
                while (j < count && this.starts[j] == this.starts[i]) {
                    j++;
                }
                ends[i] = j < count ? this.starts[j] : this.starts[i] + 4096;
            }
        }
    }

    /** Number of symbols. */
    int size() {
        return starts.length;
    }

    /** The name of the symbol holding {@code address}, or null. */
    String nameAt(long address) {
        int i = indexAt(address);
        return i < 0 ? null : names[i];
    }

    /** The start of the symbol holding {@code address} (valid only when {@link #nameAt} is not null). */
    long startAt(long address) {
        int i = indexAt(address);
        return i < 0 ? 0 : starts[i];
    }

    private int indexAt(long address) {
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // Symbols that share a start, or nest (a sized symbol inside a larger one): walk back to one that holds it.
        for (int i = found; i >= 0 && i > found - 8; i--) {
            if (Long.compareUnsigned(address, ends[i]) < 0 && Long.compareUnsigned(address, starts[i]) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
