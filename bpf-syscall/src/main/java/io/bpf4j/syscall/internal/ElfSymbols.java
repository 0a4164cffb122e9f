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

    /** Reads the file's symbols and segments. */
    public static ElfSymbols read(Path path) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is larger than 2 GiB");
            }
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        if (b.limit() < 64 || b.get(0) != 0x7f || b.get(1) != 'E' || b.get(2) != 'L' || b.get(3) != 'F') {
            throw new IOException(path + " is not an ELF file");
        }
        if (b.get(4) != 2) {
            throw new IOException(path + " is a 32-bit ELF file: only 64-bit binaries can be probed by bpf4j");
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
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (b.getInt(p) == PT_LOAD) {
                segs.add(new Segment(b.getLong(p + 8), b.getLong(p + 16), b.getLong(p + 32), b.getLong(p + 40),
                        b.getInt(p + 4)));
            }
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
        Map<Integer, String> versionNames = verdef < 0 ? Map.of()
                : readVerdef(b, shOffset[verdef], shSize[verdef], shOffset[shLink[verdef]]);

        List<Symbol> syms = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            if (shType[i] != SHT_SYMTAB && shType[i] != SHT_DYNSYM) {
                continue;
            }
            boolean dyn = shType[i] == SHT_DYNSYM;
            long strOff = shOffset[shLink[i]];
            long ent = shEntsize[i] == 0 ? 24 : shEntsize[i];
            long count = shSize[i] / ent;
            for (int k = 1; k < count; k++) {
                int s = (int) (shOffset[i] + k * ent);
                int info = Byte.toUnsignedInt(b.get(s + 4));
                int shndx = Short.toUnsignedInt(b.getShort(s + 6));
                int stType = info & 0xf;
                long value = b.getLong(s + 8);
                if (shndx == 0 || (stType != STT_FUNC && stType != STT_GNU_IFUNC) || value == 0) {
                    continue;
                }
                String name = cString(b, (int) (strOff + Integer.toUnsignedLong(b.getInt(s))));
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

    private static Map<Integer, String> readVerdef(ByteBuffer b, long off, long size, long strOff) {
        Map<Integer, String> names = new HashMap<>();
        long p = off;
        while (p < off + size) {
            int ndx = Short.toUnsignedInt(b.getShort((int) p + 4));
            int flags = Short.toUnsignedInt(b.getShort((int) p + 2));
            long aux = Integer.toUnsignedLong(b.getInt((int) p + 12));
            long next = Integer.toUnsignedLong(b.getInt((int) p + 16));
            if ((flags & 1) == 0) { // VER_FLG_BASE names the file itself, not a version
                int nameOff = b.getInt((int) (p + aux));
                names.put(ndx, cString(b, (int) (strOff + Integer.toUnsignedLong(nameOff))));
            }
            if (next == 0) {
                break;
            }
            p += next;
        }
        return names;
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
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
