package io.bpf4j.syscall.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a 64-bit ELF file a uprobe needs: function symbols from {@code .symtab} and
 * {@code .dynsym} (with their GNU symbol versions) and the {@code PT_LOAD} segments that turn a
 * symbol's virtual address into a file offset.
 *
 * <pre>
 * Elf64_Ehdr: e_ident[16] e_type u16 e_machine u16 e_version u32 e_entry u64 e_phoff u64 e_shoff u64
 *             e_flags u32 e_ehsize u16 e_phentsize u16 e_phnum u16 e_shentsize u16 e_shnum u16 e_shstrndx u16
 * Elf64_Phdr (56): p_type u32 p_flags u32 p_offset u64 p_vaddr u64 p_paddr u64 p_filesz u64 p_memsz u64 p_align u64
 * Elf64_Shdr (64): sh_name u32 sh_type u32 sh_flags u64 sh_addr u64 sh_offset u64 sh_size u64 sh_link u32
 *                  sh_info u32 sh_addralign u64 sh_entsize u64
 * Elf64_Sym  (24): st_name u32 st_info u8 st_other u8 st_shndx u16 st_value u64 st_size u64
 * </pre>
 * Source: the System V gABI and {@code /usr/include/elf.h}.
 */
public final class ElfSymbols {
    /** {@code STT_FUNC}. */
    public static final int STT_FUNC = 2;
    /** {@code STT_GNU_IFUNC}: the symbol is a resolver that returns the implementation's address. */
    public static final int STT_GNU_IFUNC = 10;

    private static final int SHT_SYMTAB = 2, SHT_DYNSYM = 11, SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERSYM = 0x6fffffff;
    private static final int PT_LOAD = 1;

    /**
     * A defined symbol.
     *
     * @param name the name without version
     * @param version the GNU version name, or null
     * @param hidden true for a non-default version ({@code name@VER}), false for the default ({@code name@@VER})
     * @param type STT_* type
     * @param value virtual address
     * @param dynamic true if from .dynsym
     */
    public record Symbol(String name, String version, boolean hidden, int type, long value, long size, boolean dynamic) {
        /** {@code name@@VER}, {@code name@VER} or {@code name}. */
        public String fullName() {
            return version == null ? name : name + (hidden ? "@" : "@@") + version;
        }
    }

    /** A loadable segment. */
    public record Segment(long offset, long vaddr, long fileSize, long memSize, int flags) {
    }

    private final Path path;
    private final int type;
    private final int machine;
    private final List<Symbol> symbols;
    private final List<Segment> segments;

    private ElfSymbols(Path path, int type, int machine, List<Symbol> symbols, List<Segment> segments) {
        this.path = path;
        this.type = type;
        this.machine = machine;
        this.symbols = symbols;
        this.segments = segments;
    }

    /** {@code e_machine} of x86_64 and aarch64 (elf.h {@code EM_X86_64}, {@code EM_AARCH64}). */
    public static final int EM_X86_64 = 62, EM_AARCH64 = 183;

    private static final int EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24, VERDEF_SIZE = 20;
    /** Longest symbol or version name accepted (C++ names run to a few KiB). */
    private static final int MAX_NAME = 64 * 1024;

    /** A malformed file, thrown inside the parser and reported as an {@link IOException} naming the file. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads the file's symbols and segments. Every offset and count in the file is checked
     * against its size: a truncated or crafted file fails with an {@link IOException} that names
     * the file and what is wrong, in time and memory linear in the file's size.
     *
     * @throws IOException if the file is missing, not a regular file, unreadable or not a valid 64-bit ELF file
     */
    public static ElfSymbols read(Path path) throws IOException {
        requireRegularFile(path);
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is larger than 2 GiB");
            }
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        return parse(path, b);
    }

    /**
     * Fails with a message saying what {@code path} is when it is not a regular file (a
     * directory, FIFO, device or socket), so that none is called "no such file" or opened (a
     * FIFO would block).
     */
    public static void requireRegularFile(Path path) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no such file: " + path, e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("permission denied: " + path, e);
        }
        if (a.isDirectory()) {
            throw new IOException(path + " is a directory, not a binary or library");
        }
        if (!a.isRegularFile()) {
            throw new IOException(path + " is not a regular file (a device, FIFO or socket), not a binary or library");
        }
    }

    /** Parses the ELF image {@code b}; {@code path} names it in errors. */
    static ElfSymbols parse(Path path, ByteBuffer b) throws IOException {
        try {
            return parseChecked(path, b);
        } catch (Malformed e) {
            throw new IOException(path + " is not a valid ELF file: " + e.getMessage());
        }
    }

    private static ElfSymbols parseChecked(Path path, ByteBuffer b) throws IOException {
        long fileSize = b.limit();
        if (fileSize < 4 || b.get(0) != 0x7f || b.get(1) != 'E' || b.get(2) != 'L' || b.get(3) != 'F') {
            throw new IOException(path + " is not an ELF file (no \\x7fELF magic)");
        }
        int elfClass = fileSize > 4 ? b.get(4) : -1;
        if (elfClass == 1) {
            throw new IOException(path + " is a 32-bit ELF file: only 64-bit binaries can be probed by bpf4j");
        }
        if (fileSize < EHDR_SIZE) {
            throw new Malformed("truncated: " + fileSize + " bytes, shorter than the 64-byte ELF header");
        }
        if (elfClass != 2) {
            throw new Malformed("EI_CLASS " + elfClass + " is neither 32-bit (1) nor 64-bit (2)");
        }
        if (b.get(5) != 1 && b.get(5) != 2) {
            throw new Malformed("EI_DATA " + b.get(5) + " is neither little (1) nor big (2) endian");
        }
        b.order(b.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int eType = Short.toUnsignedInt(b.getShort(16));
        int eMachine = Short.toUnsignedInt(b.getShort(18));
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        int shentsize = Short.toUnsignedInt(b.getShort(58));
        int shnum = Short.toUnsignedInt(b.getShort(60));

        List<Segment> segs = new ArrayList<>();
        if (phnum > 0) {
            if (phentsize < PHDR_SIZE) {
                throw new Malformed("e_phentsize " + phentsize + ": expected at least " + PHDR_SIZE);
            }
            checkRange(fileSize, phoff, (long) phnum * phentsize, "program header table (e_phoff, e_phnum x e_phentsize)");
            for (int i = 0; i < phnum; i++) {
                int p = (int) (phoff + (long) i * phentsize);
                if (b.getInt(p) == PT_LOAD) {
                    segs.add(new Segment(b.getLong(p + 8), b.getLong(p + 16), b.getLong(p + 32), b.getLong(p + 40),
                            b.getInt(p + 4)));
                }
            }
        }

        if (shnum > 0) {
            if (shentsize < SHDR_SIZE) {
                throw new Malformed("e_shentsize " + shentsize + ": expected at least " + SHDR_SIZE);
            }
            checkRange(fileSize, shoff, (long) shnum * shentsize, "section header table (e_shoff, e_shnum x e_shentsize)");
        }
        int[] shType = new int[shnum];
        long[] shOffset = new long[shnum];
        long[] shSize = new long[shnum];
        int[] shLink = new int[shnum];
        long[] shEntsize = new long[shnum];
        for (int i = 0; i < shnum; i++) {
            int s = (int) (shoff + (long) i * shentsize);
            shType[i] = b.getInt(s + 4);
            shOffset[i] = b.getLong(s + 24);
            shSize[i] = b.getLong(s + 32);
            shLink[i] = b.getInt(s + 40);
            shEntsize[i] = b.getLong(s + 56);
        }
        int versym = -1;
        int verdef = -1;
        for (int i = 0; i < shnum; i++) {
            if (shType[i] == SHT_GNU_VERSYM) {
                versym = i;
            } else if (shType[i] == SHT_GNU_VERDEF) {
                verdef = i;
            }
        }
        if (versym >= 0) {
            checkRange(fileSize, shOffset[versym], shSize[versym], "section " + versym + " (.gnu.version)");
        }
        // Names are decoded per symbol; capping their total keeps a crafted string table whose
        // entries all overlap one long string from costing memory quadratic in the file's size.
        long[] nameBudget = {4 * fileSize + (1 << 20)};
        Map<Integer, String> versionNames = Map.of();
        if (verdef >= 0) {
            checkRange(fileSize, shOffset[verdef], shSize[verdef], "section " + verdef + " (.gnu.version_d)");
            int str = checkLink(shLink[verdef], shnum, verdef);
            checkRange(fileSize, shOffset[str], shSize[str], "section " + str + " (string table of .gnu.version_d)");
            versionNames = readVerdef(b, shOffset[verdef], shSize[verdef], shOffset[str], shSize[str], nameBudget);
        }

        List<Symbol> syms = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            if (shType[i] != SHT_SYMTAB && shType[i] != SHT_DYNSYM) {
                continue;
            }
            boolean dyn = shType[i] == SHT_DYNSYM;
            String what = "section " + i + (dyn ? " (.dynsym)" : " (.symtab)");
            checkRange(fileSize, shOffset[i], shSize[i], what);
            long ent = shEntsize[i] == 0 ? SYM_SIZE : shEntsize[i];
            if (ent < SYM_SIZE) {
                throw new Malformed(what + ": sh_entsize " + ent + ": expected at least " + SYM_SIZE);
            }
            int str = checkLink(shLink[i], shnum, i);
            long strOff = shOffset[str];
            long strSize = shSize[str];
            checkRange(fileSize, strOff, strSize, "section " + str + " (string table of " + what + ")");
            long count = shSize[i] / ent;
            if (dyn && versym >= 0 && shSize[versym] / 2 < count) {
                throw new Malformed("section " + versym + " (.gnu.version) has " + shSize[versym] / 2 + " entries for "
                        + count + " symbols in " + what);
            }
            for (int k = 1; k < count; k++) {
                int s = (int) (shOffset[i] + k * ent);
                int info = Byte.toUnsignedInt(b.get(s + 4));
                int shndx = Short.toUnsignedInt(b.getShort(s + 6));
                int stType = info & 0xf;
                long value = b.getLong(s + 8);
                if (shndx == 0 || (stType != STT_FUNC && stType != STT_GNU_IFUNC) || value == 0) {
                    continue;
                }
                long nameOff = Integer.toUnsignedLong(b.getInt(s));
                if (nameOff >= strSize) {
                    throw new Malformed(what + ": symbol " + k + " has st_name " + nameOff + " beyond its string table ("
                            + strSize + " bytes)");
                }
                String name = cString(b, strOff + nameOff, strOff + strSize, nameBudget, what + ": name of symbol " + k);
                String version = null;
                boolean hidden = false;
                if (dyn && versym >= 0) {
                    int v = Short.toUnsignedInt(b.getShort((int) (shOffset[versym] + 2L * k)));
                    hidden = (v & 0x8000) != 0;
                    version = versionNames.get(v & 0x7fff);
                } else {
                    int at = name.indexOf('@');
                    if (at > 0) {
                        hidden = !name.startsWith("@@", at);
                        version = name.substring(at + (hidden ? 1 : 2));
                        name = name.substring(0, at);
                    }
                }
                syms.add(new Symbol(name, version, hidden, stType, value, b.getLong(s + 16), dyn));
            }
        }
        return new ElfSymbols(path, eType, eMachine, syms, segs);
    }

    /** Fails unless {@code [offset, offset + length)} lies inside a file of {@code fileSize} bytes. */
    private static void checkRange(long fileSize, long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > fileSize || length > fileSize - offset) {
            throw new Malformed(what + " at offset " + Long.toUnsignedString(offset) + ", " + Long.toUnsignedString(length)
                    + " bytes, lies beyond the end of the file (" + fileSize + " bytes): truncated or corrupt");
        }
    }

    private static int checkLink(int link, int shnum, int section) {
        if (link <= 0 || link >= shnum) {
            throw new Malformed("section " + section + " links to section " + Integer.toUnsignedString(link)
                    + ": expected 1.." + (shnum - 1));
        }
        return link;
    }

    private static Map<Integer, String> readVerdef(ByteBuffer b, long off, long size, long strOff, long strSize,
                                                   long[] nameBudget) {
        Map<Integer, String> names = new HashMap<>();
        long p = off;
        long end = off + size;
        // Each Elf64_Verdef takes 20 bytes and vd_next must move forward, so the walk ends.
        for (long n = 0; p + VERDEF_SIZE <= end && n <= size / VERDEF_SIZE; n++) {
            int ndx = Short.toUnsignedInt(b.getShort((int) p + 4));
            int flags = Short.toUnsignedInt(b.getShort((int) p + 2));
            long aux = Integer.toUnsignedLong(b.getInt((int) p + 12));
            long next = Integer.toUnsignedLong(b.getInt((int) p + 16));
            if ((flags & 1) == 0) { // VER_FLG_BASE names the file itself, not a version
                if (aux > end - p - 4) {
                    throw new Malformed(".gnu.version_d: vd_aux " + aux + " of the entry at offset " + p
                            + " points beyond the section");
                }
                long nameOff = Integer.toUnsignedLong(b.getInt((int) (p + aux)));
                if (nameOff >= strSize) {
                    throw new Malformed(".gnu.version_d: vda_name " + nameOff + " beyond its string table (" + strSize
                            + " bytes)");
                }
                names.put(ndx, cString(b, strOff + nameOff, strOff + strSize, nameBudget, ".gnu.version_d: version name"));
            }
            if (next == 0) {
                break;
            }
            if (next < VERDEF_SIZE) {
                throw new Malformed(".gnu.version_d: vd_next " + next + " of the entry at offset " + p
                        + ": expected 0 or at least " + VERDEF_SIZE);
            }
            p += next;
        }
        return names;
    }

    /** The NUL-terminated string at {@code at}, which must end before {@code end}. */
    private static String cString(ByteBuffer b, long at, long end, long[] budget, String what) {
        long stop = Math.min(end, at + MAX_NAME + 1);
        long e = at;
        while (e < stop && b.get((int) e) != 0) {
            e++;
        }
        if (e == stop) {
            throw new Malformed(what + " at offset " + at + (stop == end ? " is not NUL-terminated inside its string table"
                    : " is longer than " + MAX_NAME + " bytes"));
        }
        int len = (int) (e - at);
        budget[0] -= len;
        if (budget[0] < 0) {
            throw new Malformed("symbol names overlap far more than a linker makes them (" + what + ")");
        }
        byte[] bytes = new byte[len];
        b.get((int) at, bytes, 0, len);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code e_machine} of this JVM's architecture, or -1 if unknown. */
    public static int nativeMachine() {
        String arch = System.getProperty("os.arch", "");
        switch (arch) {
            case "amd64":
            case "x86_64":
                return EM_X86_64;
            case "aarch64":
            case "arm64":
                return EM_AARCH64;
            default:
                return -1;
        }
    }

    /** A name for {@code e_machine}. */
    public static String machineName(int machine) {
        switch (machine) {
            case EM_X86_64:
                return "x86_64";
            case EM_AARCH64:
                return "aarch64";
            case 3:
                return "i386";
            case 40:
                return "arm";
            case 243:
                return "riscv";
            default:
                return "e_machine " + machine;
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** {@code e_machine} (62 = x86_64, 183 = aarch64). */
    public int machine() {
        return machine;
    }

    /** {@code e_type} (2 = executable, 3 = shared object / PIE). */
    public int type() {
        return type;
    }

    /** All defined function and IFUNC symbols. */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** The {@code PT_LOAD} segments. */
    public List<Segment> segments() {
        return segments;
    }

    /**
     * The symbols matching {@code spec}: {@code name} (any version, default first),
     * {@code name@@VER} (the default version VER) or {@code name@VER} (version VER).
     */
    public List<Symbol> find(String spec) {
        String name = spec;
        String version = null;
        Boolean wantHidden = null;
        int at = spec.indexOf('@');
        if (at > 0) {
            name = spec.substring(0, at);
            boolean dflt = spec.startsWith("@@", at);
            version = spec.substring(at + (dflt ? 2 : 1));
            wantHidden = dflt ? Boolean.FALSE : null;
        }
        List<Symbol> out = new ArrayList<>();
        for (Symbol s : symbols) {
            if (!s.name().equals(name)) {
                continue;
            }
            if (version != null && !version.equals(s.version())) {
                continue;
            }
            if (wantHidden != null && s.hidden() != wantHidden) {
                continue;
            }
            out.add(s);
        }
        out.sort((x, y) -> Boolean.compare(x.hidden(), y.hidden()));
        return out;
    }

    /** The file offset of virtual address {@code vaddr}, or -1 if no PT_LOAD segment holds it. */
    public long fileOffset(long vaddr) {
        for (Segment s : segments) {
            if (vaddr >= s.vaddr() && vaddr < s.vaddr() + s.memSize()) {
                return vaddr - s.vaddr() + s.offset();
            }
        }
        return -1;
    }

    /** The virtual address of file offset {@code offset}, or -1. */
    public long vaddrOf(long offset) {
        for (Segment s : segments) {
            if (offset >= s.offset() && offset < s.offset() + s.fileSize()) {
                return offset - s.offset() + s.vaddr();
            }
        }
        return -1;
    }

    /** The symbol whose range holds {@code vaddr}, preferring exact starts, or null. */
    public Symbol symbolAt(long vaddr) {
        Symbol best = null;
        for (Symbol s : symbols) {
            if (s.value() == vaddr) {
                return s;
            }
            if (vaddr > s.value() && vaddr < s.value() + s.size()) {
                best = s;
            }
        }
        return best;
    }
}
