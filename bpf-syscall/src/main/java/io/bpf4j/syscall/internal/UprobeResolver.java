package io.bpf4j.syscall.internal;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Resolves a uprobe target (a binary or short library name, a symbol or raw offset) to the file
 * and file offset the kernel takes; the rules are in {@code UprobeLink}'s javadoc.
 */
public final class UprobeResolver {
    private static final Logger LOG = Logs.get(UprobeResolver.class);

    private UprobeResolver() {
    }

    /**
     * Where a uprobe goes, resolved.
     *
     * @param file the file the probe goes in
     * @param fileOffset the offset in that file
     * @param ifunc true if the symbol was an IFUNC resolved through this process
     * @param description how it was resolved, for logs and errors
     */
    public record Location(Path file, long fileOffset, boolean ifunc, String description) {
    }

    /** What is resolved: a binary (path or short name), a symbol or null, an offset added to it. */
    private record Target(String binary, String symbol, long offset) {
    }

    /** Resolves; failures are {@link BpfException}s with {@code ENOENT} and a hint. */
    public static Location resolve(String binary, String symbol, long offset) {
        return resolve(new Target(binary, symbol, offset));
    }

    private static Location resolve(Target t) {
        Path file;
        try {
            file = Libraries.resolve(t.binary());
        } catch (IOException e) {
            boolean missing = e.getCause() instanceof java.nio.file.NoSuchFileException || e.getCause() == null;
            throw new BpfException("uprobe " + t.binary(), missing ? Errno.ENOENT : Errno.ENOEXEC, e.getMessage(), e);
        }
        if (t.symbol() == null) {
            return new Location(file, t.offset(), false, file + "+0x" + Long.toHexString(t.offset()));
        }
        Names.checkTracefsName("uprobe symbol", t.symbol());
        ElfSymbols elf;
        try {
            elf = ElfSymbols.read(file);
        } catch (IOException e) {
            throw new BpfException("uprobe " + file, Errno.ENOEXEC, e.getMessage(), e);
        }
        requireNativeMachine(elf);
        List<ElfSymbols.Symbol> found = elf.find(t.symbol());
        if (found.isEmpty()) {
            throw new BpfException("uprobe " + t.symbol() + " in " + file, Errno.ENOENT,
                    "no function '" + t.symbol() + "' in .symtab or .dynsym of " + file + similar(elf, t.symbol()));
        }
        ElfSymbols.Symbol sym = found.get(0);
        if (sym.type() == ElfSymbols.STT_GNU_IFUNC) {
            return resolveIfunc(t, file, elf, sym);
        }
        long off = elf.fileOffset(sym.value());
        if (off < 0) {
            throw new BpfException("uprobe " + t.symbol() + " in " + file, Errno.ENOENT, "symbol address 0x"
                    + Long.toHexString(sym.value()) + " is in no PT_LOAD segment");
        }
        return new Location(file, off + t.offset(), false,
                sym.fullName() + " in " + file + " at file offset 0x" + Long.toHexString(off + t.offset()));
    }

    /** A binary for another architecture would take the probe at a meaningless offset. */
    static void requireNativeMachine(ElfSymbols elf) {
        int here = ElfSymbols.nativeMachine();
        if (here >= 0 && elf.machine() != here) {
            throw new BpfException("uprobe " + elf.path(), Errno.ENOEXEC, elf.path() + " is built for "
                    + ElfSymbols.machineName(elf.machine()) + " (e_machine " + elf.machine() + "), but this machine is "
                    + ElfSymbols.machineName(here) + ": probe the " + ElfSymbols.machineName(here) + " copy of the binary");
        }
    }

    private static String similar(ElfSymbols elf, String name) {
        String base = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
        List<String> close = new ArrayList<>();
        for (ElfSymbols.Symbol s : elf.symbols()) {
            if (s.name().equals(base) && s.version() != null) {
                close.add(s.fullName());
            } else if (s.name().contains(base) && close.size() < 5) {
                close.add(s.name());
            }
        }
        if (close.isEmpty()) {
            return elf.symbols().isEmpty() ? " (the file has no function symbols: stripped?)" : "";
        }
        return "; similar: " + close.stream().distinct().limit(5).collect(Collectors.joining(", "));
    }

    private static Location resolveIfunc(Target t, Path file, ElfSymbols elf, ElfSymbols.Symbol sym) {
        String what = "'" + sym.fullName() + "' in " + file + " is an IFUNC (its resolver is at file offset 0x"
                + Long.toHexString(elf.fileOffset(sym.value())) + ")";
        ProcMaps.Mapping mapped = mappingOf(file);
        if (mapped == null) {
            throw new BpfException("uprobe " + t.symbol(), Errno.ENOENT, what + "; the implementation it picks is "
                    + "known only in a process that loaded the library, and " + file + " is not loaded in this one. "
                    + "Probe the implementation by name (e.g. __" + sym.name() + "_avx2) or by file offset");
        }
        long address;
        try {
            Pointer p = NativeLibrary.getInstance(mapped.path()).getGlobalVariableAddress(sym.name());
            address = Pointer.nativeValue(p);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new BpfException("uprobe " + t.symbol(), Errno.ENOENT, what + "; dlsym could not resolve it in this "
                    + "process: " + e.getMessage(), e);
        }
        ProcMaps.Mapping impl = ProcMaps.containing(address);
        if (impl == null || impl.path() == null || !impl.path().startsWith("/")) {
            throw new BpfException("uprobe " + t.symbol(), Errno.ENOENT, what + "; its implementation at 0x"
                    + Long.toHexString(address) + " is not in a mapped file");
        }
        long off = address - impl.start() + impl.offset();
        Path implFile = Path.of(impl.path());
        String implName = "";
        try {
            ElfSymbols implElf = implFile.equals(file) ? elf : ElfSymbols.read(implFile);
            ElfSymbols.Symbol s = implElf.symbolAt(implElf.vaddrOf(off));
            implName = s == null ? "" : " (" + s.name() + ")";
        } catch (IOException e) {
            // The name is only for the log line.
        }
        long resolverOff = elf.fileOffset(sym.value());
        if (implFile.equals(file) && off == resolverOff) {
            throw new BpfException("uprobe " + t.symbol(), Errno.ENOENT, what + "; dlsym returned the resolver itself");
        }
        String desc = "IFUNC " + sym.fullName() + " -> implementation used by this process" + implName + " in " + implFile
                + " at file offset 0x" + Long.toHexString(off + t.offset());
        LOG.info("uprobe on {}: {}", t.symbol(), desc);
        return new Location(implFile, off + t.offset(), true, desc);
    }

    /** This process's mapping of {@code file} (same device and inode), or null. */
    private static ProcMaps.Mapping mappingOf(Path file) {
        long inode;
        try {
            inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            inode = -1;
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            real = file;
        }
        String fileName = file.getFileName().toString();
        for (ProcMaps.Mapping m : ProcMaps.self()) {
            if (m.path() == null || !m.path().startsWith("/")) {
                continue;
            }
            if (inode > 0) {
                if (m.inode() == inode && m.path().endsWith("/" + fileName)) {
                    return m;
                }
                continue;
            }
            try {
                if (Path.of(m.path()).toRealPath().equals(real)) {
                    return m;
                }
            } catch (IOException e) {
                // A mapping of a deleted file cannot be compared; skip it.
            }
        }
        return null;
    }
}
