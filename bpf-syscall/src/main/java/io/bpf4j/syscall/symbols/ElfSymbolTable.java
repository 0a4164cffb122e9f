package io.bpf4j.syscall.symbols;

import io.bpf4j.syscall.internal.ElfSymbols;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The function symbols of one ELF file ({@code .symtab}, else {@code .dynsym}) indexed by virtual
 * address, and the file's {@code PT_LOAD} segments, which turn an address seen in a process into
 * the file's own virtual address: the load bias of a shared library or PIE executable is
 * {@code mapping.start - mapping.offset + segment.offset - segment.vaddr}, zero for a fixed-address
 * executable. C++ names are shown demangled to their qualified name ({@link Demangler}).
 *
 * <pre>{@code
 * ElfSymbolTable libc = ElfSymbolTable.read(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
 * libc.resolve(mapping, address);          // "getpid", or null
 * }</pre>
 */
public final class ElfSymbolTable {
    private final ElfSymbols elf;
    private final AddressIndex index;

    private ElfSymbolTable(ElfSymbols elf) {
        this.elf = elf;
        // One name per address: of aliases (getpid, __getpid), the one a reader knows.
        Map<Long, ElfSymbols.Symbol> byAddress = new HashMap<>();
        for (ElfSymbols.Symbol s : elf.symbols()) {
            byAddress.merge(s.value(), s, (a, b) -> preferred(a, b) ? a : b);
        }
        int n = byAddress.size();
        long[] starts = new long[n];
        long[] sizes = new long[n];
        String[] names = new String[n];
        int i = 0;
        for (ElfSymbols.Symbol s : byAddress.values()) {
            starts[i] = s.value();
            sizes[i] = s.size();
            names[i] = Demangler.simple(s.name());
            i++;
        }
        this.index = new AddressIndex(starts, sizes, names, n);
    }

    /** True if {@code a} is the better name: fewer leading underscores, then the sized one, then the shorter. */
    private static boolean preferred(ElfSymbols.Symbol a, ElfSymbols.Symbol b) {
        int ua = underscores(a.name());
        int ub = underscores(b.name());
        if (ua != ub) {
            return ua < ub;
        }
        if ((a.size() > 0) != (b.size() > 0)) {
            return a.size() > 0;
        }
        return a.name().length() != b.name().length() ? a.name().length() < b.name().length()
                : a.name().compareTo(b.name()) <= 0;
    }

    private static int underscores(String name) {
        int k = 0;
        while (k < name.length() && name.charAt(k) == '_') {
            k++;
        }
        return k;
    }

    /** Reads the file's symbols and segments. */
    public static ElfSymbolTable read(Path file) throws IOException {
        try {
            return new ElfSymbolTable(ElfSymbols.read(file));
        } catch (RuntimeException e) {
            // A truncated or hostile file: say which, and let the caller show the frame as unknown.
            throw new IOException(file + ": malformed ELF file (" + e + ")", e);
        }
    }

    /** Number of function symbols. */
    public int size() {
        return index.size();
    }

    /**
     * The file's virtual address for {@code address} in a process where {@code mapping} maps this
     * file, or -1 when no loadable segment holds that part of the file.
     */
    public long fileAddress(Mapping mapping, long address) {
        long fileOffset = address - mapping.start() + mapping.offset();
        return elf.vaddrOf(fileOffset);
    }

    /** The function holding file virtual address {@code vaddr}, or null. */
    public String functionAt(long vaddr) {
        return vaddr < 0 ? null : index.nameAt(vaddr);
    }

    /** The function at {@code address} of a process where {@code mapping} maps this file, or null. */
    public String resolve(Mapping mapping, long address) {
        return functionAt(fileAddress(mapping, address));
    }
}
