package io.bpf4j.structs.btf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed BTF blob: the kernel's own description of its types ({@code /sys/kernel/btf/vmlinux}),
 * a module's split BTF on top of it, or the {@code .BTF} section of an object file.
 *
 * <p>Parsing is lazy. Loading reads the file once and walks the type section once, recording
 * where each type starts in one {@code int[]}; nothing is decoded and no object is made per type.
 * A type becomes a {@link BtfType} record only when asked for. Name lookups scan the type
 * section for the first few calls and then build a compact hash of type indices, so a program
 * that resolves two fields pays for two scans, a tool that resolves hundreds pays for one index.
 * An instance is immutable (the lazy index is built safely) and may be shared between threads.
 *
 * <p>Blob layout ({@code include/uapi/linux/btf.h}); all fields in the blob's byte order, which
 * the magic tells:
 * <pre>
 *  0      2    3     4        8         12        16       20       24
 *  +------+----+-----+--------+---------+---------+--------+--------+------ ... --------------+
 *  |eb9f  |ver |flags|hdr_len |type_off |type_len |str_off |str_len | types ... | strings ...  |
 *  +------+----+-----+--------+---------+---------+--------+--------+------ ... --------------+
 *  section offsets count from the end of the header (hdr_len). Each type:
 *  +-----------+----------------------------------------------+------------------+---------+
 *  | name_off  | info: kind_flag(31) kind(24..28) vlen(0..15) | size or type id  | kind-   |
 *  | (4 bytes) | (4 bytes)                                    | (4 bytes)        | specific|
 *  +-----------+----------------------------------------------+------------------+---------+
 * </pre>
 * Type ids count from 1 in file order (0 is {@code void}); a split blob's ids continue after its
 * base's, and its string offsets continue after the base's string section.
 *
 * <pre>{@code
 * Btf btf = Btf.kernel();                                        // /sys/kernel/btf/vmlinux, cached
 * long off = btf.offsetOf("task_struct", "real_parent");         // 1280 on one 6.18 build
 * FieldPath ppid = btf.path("task_struct.real_parent->tgid");    // hops (1280, 8), (1268, 4)
 * btf.function("do_filp_open").orElseThrow().parameter("pathname");  // index 1, struct filename *
 * }</pre>
 */
public final class Btf {
    /** Where the running kernel publishes its BTF. */
    public static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    static final int HEADER_SIZE = 24;
    private static final int MAGIC = 0xeb9f;
    /** Lookups by name that scan before the hash index is built. */
    private static final int SCANS_BEFORE_INDEX = 8;
    /** Longest typedef/qualifier/pointer chain followed before calling it a loop. */
    static final int MAX_CHAIN = 64;
    /** Most member records one member search reads (task_struct and all it embeds: about 400). */
    private static final int MEMBER_BUDGET = 1 << 20;

    /** Bytes after the 12-byte common header: a fixed part per kind, and a part per vlen item. */
    private static final int[] FIXED = new int[32];
    private static final int[] PER_ITEM = new int[32];

    static {
        Arrays.fill(PER_ITEM, -1); // -1 marks an unknown kind
        for (BtfKind k : BtfKind.values()) {
            if (k != BtfKind.VOID) {
                PER_ITEM[k.code()] = 0;
            }
        }
        FIXED[BtfKind.INT.code()] = 4;
        FIXED[BtfKind.ARRAY.code()] = 12;
        FIXED[BtfKind.VAR.code()] = 4;
        FIXED[BtfKind.DECL_TAG.code()] = 4;
        PER_ITEM[BtfKind.STRUCT.code()] = 12;
        PER_ITEM[BtfKind.UNION.code()] = 12;
        PER_ITEM[BtfKind.ENUM.code()] = 8;
        PER_ITEM[BtfKind.FUNC_PROTO.code()] = 8;
        PER_ITEM[BtfKind.DATASEC.code()] = 12;
        PER_ITEM[BtfKind.ENUM64.code()] = 12;
    }

    private static final Object KERNEL_LOCK = new Object();
    private static volatile Btf kernel;

    private final ByteBuffer data;
    private final Btf base;
    private final int firstId;
    private final int typeEnd;
    /**
     * Where each type record starts: entries [0, indexed) are known. The index is extended on
     * demand, a chunk at a time, by {@link #extend}; {@code offsets} is written before
     * {@code indexed} (both volatile), so a reader that sees a count sees its entries.
     */
    private volatile int[] offsets;
    private volatile int indexed;
    /** Byte offset of the first record not yet indexed (guarded by this). */
    private int next;
    private static final int CHUNK = 4096;
    private static final int READ_WINDOW = 64 * 1024;
    private final int strStart;
    private final int strEnd;
    /** String offsets below this belong to the base blob (0 for a base blob). */
    private final int strFirst;

    private volatile int[] nameIndex;
    private int scans;
    /** Set by {@link #validate()} when the string sections (this and the base's) hold only ASCII. */
    private volatile boolean asciiOnly;
    private volatile LastLookup last;

    private record LastLookup(String name, int kind, int id) {
    }

    private Btf(ByteBuffer data, Btf base) {
        this.base = base;
        this.firstId = base == null ? 1 : base.typeCount();
        this.strFirst = base == null ? 0 : base.stringsLength();
        int limit = data.limit();
        if (limit < HEADER_SIZE) {
            throw new BtfFormatException(limit, "blob of " + limit + " bytes is shorter than the "
                    + HEADER_SIZE + "-byte header");
        }
        int b0 = data.get(0) & 0xff;
        int b1 = data.get(1) & 0xff;
        if ((b1 << 8 | b0) == MAGIC) {
            data.order(ByteOrder.LITTLE_ENDIAN);
        } else if ((b0 << 8 | b1) == MAGIC) {
            data.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw new BtfFormatException(0, String.format("magic %02x %02x: expected 0xeb9f in either byte order", b0, b1));
        }
        this.data = data;
        int version = data.get(2) & 0xff;
        if (version != 1) {
            throw new BtfFormatException(2, "version " + version + ": expected 1");
        }
        long hdrLen = u32(4);
        if (hdrLen < HEADER_SIZE || hdrLen > limit) {
            throw new BtfFormatException(4, "header length " + hdrLen + ": expected " + HEADER_SIZE + ".." + limit);
        }
        long typeStart = hdrLen + u32(8);
        long typeEnd = typeStart + u32(12);
        long strStartL = hdrLen + u32(16);
        long strEndL = strStartL + u32(20);
        if ((u32(8) & 3) != 0) {
            throw new BtfFormatException(8, "type section offset " + u32(8) + " is not 4-byte aligned");
        }
        if (typeEnd > limit) {
            throw new BtfFormatException(12, "type section [" + typeStart + ", " + typeEnd + ") ends past the blob's "
                    + limit + " bytes");
        }
        if (strEndL > limit) {
            throw new BtfFormatException(20, "string section [" + strStartL + ", " + strEndL + ") ends past the blob's "
                    + limit + " bytes");
        }
        if (typeStart < strEndL && strStartL < typeEnd && typeStart < typeEnd && strStartL < strEndL) {
            throw new BtfFormatException(16, "string section [" + strStartL + ", " + strEndL
                    + ") overlaps type section [" + typeStart + ", " + typeEnd + ")");
        }
        this.strStart = (int) strStartL;
        this.strEnd = (int) strEndL;
        if (base == null && strEnd == strStart) {
            throw new BtfFormatException(20, "empty string section: expected at least the empty string");
        }
        if (base == null && data.get(strStart) != 0) {
            throw new BtfFormatException(strStart, "string section does not start with the empty string");
        }
        if (strEnd > strStart && data.get(strEnd - 1) != 0) {
            throw new BtfFormatException(strEnd - 1, "string section does not end with NUL");
        }
        this.typeEnd = (int) typeEnd;
        this.next = (int) typeStart;
        // Room for the first chunk only: most users look up a few types near the start of vmlinux,
        // and a whole index (0.5 MB for vmlinux) is allocated only when something needs it.
        this.offsets = new int[Math.min(CHUNK + 16, Math.max(16, (this.typeEnd - next) / 12))];
    }

    // ---- loading ------------------------------------------------------------------------------

    /**
     * Parses a BTF blob (base BTF). The bytes are copied.
     *
     * @throws BtfFormatException if the header or the type section is malformed
     */
    public static Btf parse(byte[] blob) {
        return new Btf(ByteBuffer.wrap(blob.clone()), null);
    }

    /** Parses the remaining bytes of {@code blob} (not copied: the buffer must not change afterwards). */
    public static Btf parse(ByteBuffer blob) {
        return new Btf(blob.slice(), null);
    }

    /** Parses split BTF (a kernel module's) whose ids and strings continue those of {@code base}. */
    public static Btf parseSplit(byte[] blob, Btf base) {
        if (base == null) {
            throw new IllegalArgumentException("split BTF needs its base BTF (vmlinux): got null");
        }
        return new Btf(ByteBuffer.wrap(blob.clone()), base);
    }

    /**
     * Reads and parses a BTF file such as {@code /sys/kernel/btf/vmlinux}.
     *
     * @throws IOException if the file cannot be read
     * @throws BtfFormatException if its content is not valid BTF
     */
    public static Btf load(Path file) throws IOException {
        return new Btf(read(file), null);
    }

    /** Reads and parses a split BTF file (e.g. {@code /sys/kernel/btf/<module>}) on top of {@code base}. */
    public static Btf loadSplit(Path file, Btf base) throws IOException {
        if (base == null) {
            throw new IllegalArgumentException("split BTF " + file + " needs its base BTF (vmlinux): got null");
        }
        return new Btf(read(file), base);
    }

    /**
     * The running kernel's BTF, read from {@link #VMLINUX} on first use and shared afterwards (the
     * kernel's types do not change while it runs). Use {@link #load(Path)} for a fresh copy.
     *
     * @throws UncheckedIOException if the kernel publishes no BTF (needs {@code CONFIG_DEBUG_INFO_BTF})
     */
    public static Btf kernel() {
        Btf k = kernel;
        if (k == null) {
            synchronized (KERNEL_LOCK) {
                k = kernel;
                if (k == null) {
                    try {
                        k = load(VMLINUX);
                    } catch (NoSuchFileException e) {
                        throw new UncheckedIOException("kernel BTF not found at " + VMLINUX
                                + ": the kernel needs CONFIG_DEBUG_INFO_BTF=y", e);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read kernel BTF " + VMLINUX + ": " + e.getMessage(), e);
                    }
                    kernel = k;
                }
            }
        }
        return k;
    }

    /**
     * A loaded kernel module's BTF ({@code /sys/kernel/btf/<module>}) on top of {@link #kernel()}.
     *
     * @throws UncheckedIOException if the module is not loaded or has no BTF
     */
    public static Btf kernelModule(String module) {
        if (module == null || module.isEmpty() || module.contains("/") || module.equals("..")) {
            throw new IllegalArgumentException("module name '" + module + "': expected a plain name such as 'nf_tables'");
        }
        Path file = VMLINUX.resolveSibling(module);
        try {
            return loadSplit(file, kernel());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read module BTF " + file + " (is the module loaded?): " + e, e);
        }
    }

    /** Reads a whole file into a heap array (sysfs hands out 4 KB per read call anyway). */
    private static ByteBuffer read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException(file + " is " + size + " bytes: too large for BTF");
            }
            if (size == 0) {
                // Pseudo-files may report size 0; read them the slow way.
                return ByteBuffer.wrap(Files.readAllBytes(file));
            }
            // A heap array, not a direct buffer: direct memory is freed only after a GC notices the
            // buffer is gone, so repeated loads by a program that allocates little pile up blobs
            // (and page faults) until the direct-memory limit forces a full GC. Reads go through a
            // 64 KB window because the JDK stages a heap read in a per-thread direct buffer of the
            // requested size and keeps it.
            ByteBuffer buf = ByteBuffer.wrap(new byte[(int) size]);
            while (buf.hasRemaining()) {
                buf.limit((int) Math.min(size, (long) buf.position() + READ_WINDOW));
                if (ch.read(buf) < 0) {
                    break;
                }
                buf.limit((int) size);
            }
            buf.flip();
            return buf;
        }
    }

    // ---- sizes and raw access ----------------------------------------------------------------

    /** Number of type ids, {@code void} included: valid ids are 0 .. typeCount()-1 (base ids too, for split BTF). */
    public int typeCount() {
        while (!complete()) {
            extend(Integer.MAX_VALUE);
        }
        return firstId + indexed;
    }

    private synchronized boolean complete() {
        return next >= typeEnd;
    }

    /**
     * Walks the whole type section now and checks every record: its kind and length, every type id
     * it refers to, every name (in range, NUL-terminated, UTF-8). After this, no lookup or decode
     * can meet malformed data. Loading does not do this: it reads the file and walks only as far as
     * lookups need. Nothing is decoded into objects (vmlinux: some 30 ms once the JIT has warmed up,
     * against 2 ms for loading).
     *
     * @return this
     * @throws BtfFormatException at the first malformed record
     */
    public Btf validate() {
        int n = typeCount();
        // A string section of ASCII only (every kernel's) makes every in-range name offset valid:
        // one scan of the section instead of one per name.
        asciiOnly = asciiOnly(strStart, strEnd) && (base == null || base.asciiOnly);
        int[] offs = offsets;
        for (int i = 0; i < n - firstId; i++) {
            check(offs[i], n);
        }
        return this;
    }

    private boolean asciiOnly(int from, int to) {
        int q = from;
        for (; q + 8 <= to; q += 8) {
            if ((data.getLong(q) & 0x8080808080808080L) != 0) {
                return false; // some byte has its top bit set: not ASCII
            }
        }
        for (; q < to; q++) {
            if (data.get(q) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks one record's references and names without decoding it. Every id below
     * {@code total} exists (the base's ids all do), so a reference check is one comparison.
     */
    private void check(int p, int total) {
        int info = data.getInt(p + 4);
        int kind = (info >>> 24) & 0x1f;
        int vlen = info & 0xffff;
        checkString(data.getInt(p), p);
        switch (kind) {
            case 2: case 8: case 9: case 10: case 11: case 12: case 14: case 17: case 18:
                // PTR TYPEDEF VOLATILE CONST RESTRICT FUNC VAR DECL_TAG TYPE_TAG: one type id
                checkRef(p + 8, total);
                break;
            case 3: // ARRAY
                checkRef(p + 12, total);
                checkRef(p + 16, total);
                break;
            case 4: case 5: // STRUCT UNION
                for (int i = 0, m = p + 12; i < vlen; i++, m += 12) {
                    checkString(data.getInt(m), m);
                    checkRef(m + 4, total);
                }
                break;
            case 6: case 19: { // ENUM ENUM64
                int item = kind == 6 ? 8 : 12;
                for (int i = 0, m = p + 12; i < vlen; i++, m += item) {
                    checkString(data.getInt(m), m);
                }
                break;
            }
            case 13: // FUNC_PROTO
                checkRef(p + 8, total);
                for (int i = 0, m = p + 12; i < vlen; i++, m += 8) {
                    checkString(data.getInt(m), m);
                    checkRef(m + 4, total);
                }
                break;
            case 15: // DATASEC
                for (int i = 0, m = p + 12; i < vlen; i++, m += 12) {
                    checkRef(m, total);
                }
                break;
            default: // INT FWD FLOAT: nothing refers elsewhere
                break;
        }
    }

    private void checkRef(int at, int total) {
        int id = data.getInt(at);
        if (id < 0 || id >= total) {
            ref(id, at); // throws with ref()'s message
        }
    }

    /** Throws unless {@code off} starts a valid name (what {@link #string} would decode). */
    private void checkString(int off, int at) {
        if (off == 0) {
            return;
        }
        if (asciiOnly && off > 0 && (long) strStart + (off - strFirst) < strEnd) {
            return; // in range, and the section holds only ASCII and ends with NUL
        }
        if (off > 0 && off < strFirst) {
            base.checkString(off, at);
            return;
        }
        long start = (long) strStart + ((off & 0xffffffffL) - strFirst);
        if (off < 0 || start >= strEnd) {
            string(off, at); // throws with the message string() gives
            return;
        }
        for (int q = (int) start; ; q++) {
            byte c = data.get(q);
            if (c == 0) {
                return;
            }
            if (c < 0) {
                string(off, at); // non-ASCII: let the strict decoder judge it
                return;
            }
        }
    }

    /** True if {@code index} (0-based in this blob) names a type, indexing up to it if needed. */
    private boolean has(int index) {
        if (index < indexed) {
            return true;
        }
        return index < extend(index + 1);
    }

    /**
     * Indexes records until at least {@code want} types are known (plus a chunk, to amortize) or the
     * section ends; returns the number indexed. One step per record: read {@code info}, add the
     * record's length. Nothing is decoded.
     */
    private synchronized int extend(int want) {
        int n = indexed;
        if (n >= want || next >= typeEnd) {
            return n;
        }
        int target = want == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(want, n + CHUNK);
        int[] offs = offsets;
        int p = next;
        int end = typeEnd;
        ByteBuffer d = data;
        while (p < end && n < target) {
            if (end - p < 12) {
                throw new BtfFormatException(p, "type record truncated: " + (end - p) + " bytes left of 12");
            }
            int info = d.getInt(p + 4);
            int kind = (info >>> 24) & 0x1f;
            int perItem = PER_ITEM[kind];
            if (perItem < 0) {
                throw new BtfFormatException(p + 4, "unknown kind " + kind + " (info 0x" + Integer.toHexString(info)
                        + "): expected 1..19");
            }
            long after = (long) p + 12 + FIXED[kind] + (long) perItem * (info & 0xffff);
            if (after > end) {
                throw new BtfFormatException(p, BtfKind.of(kind) + " type " + (firstId + n) + " of "
                        + (after - p) + " bytes runs past the type section's end at " + end);
            }
            if (n == offs.length) {
                // Walking to the end: room for the rest at 24 bytes a type (vmlinux: 23.6); else a chunk more.
                int more = target == Integer.MAX_VALUE ? (end - p) / 24 + 16 : Math.max(n >> 1, CHUNK);
                offs = Arrays.copyOf(offs, n + more);
            }
            offs[n++] = p;
            p = (int) after;
        }
        if ((long) firstId + n > Integer.MAX_VALUE - 1) {
            throw new BtfFormatException(12, "too many types");
        }
        next = p;
        offsets = offs;
        indexed = n;
        return n;
    }

    /** The first id this blob defines: 1 for base BTF, the base's {@link #typeCount()} for split BTF. */
    public int firstId() {
        return firstId;
    }

    /** The base BTF of split BTF, if this is split BTF. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** Size of the blob in bytes (this blob's own, without its base). */
    public int blobSize() {
        return data.limit();
    }

    int stringsLength() {
        return strFirst + (strEnd - strStart);
    }

    private long u32(int pos) {
        return data.getInt(pos) & 0xffffffffL;
    }

    /** Byte offset of type {@code id}'s record in this blob; id must be local (checked by callers). */
    private int pos(int id) {
        int i = id - firstId;
        if (i >= indexed) {
            extend(i + 1);
        }
        return offsets[i];
    }

    /** The blob holding type {@code id}; id must be 1..typeCount()-1. */
    private Btf owner(int id) {
        Btf b = this;
        while (id < b.firstId) {
            b = b.base;
        }
        return b;
    }

    /** True if type {@code id} exists (void included), indexing up to it if needed. */
    private boolean exists(int id) {
        if (id < firstId) {
            return id >= 0 && (base == null ? id == 0 : base.exists(id));
        }
        return has(id - firstId);
    }

    private void checkId(int id) {
        if (!exists(id)) {
            throw new IllegalArgumentException("type id " + id + " out of range: expected 0.." + (firstId + indexed - 1));
        }
    }

    /** A type id read from the blob at {@code at}: must name an existing type. */
    private int ref(int id, int at) {
        if (!exists(id)) {
            throw new BtfFormatException(at, "type id " + (id & 0xffffffffL) + " out of range: expected 0.."
                    + (firstId + indexed - 1));
        }
        return id;
    }

    /** Kind code of type id (0 for void). */
    int kindCode(int id) {
        if (id == 0) {
            return 0;
        }
        Btf b = owner(id);
        return (b.data.getInt(b.pos(id) + 4) >>> 24) & 0x1f;
    }

    /** The type id a PTR/TYPEDEF/qualifier/TYPE_TAG/FUNC/VAR record refers to (checked). */
    private int refOf(int id) {
        Btf b = owner(id);
        int p = b.pos(id) + 8;
        return ref(b.data.getInt(p), p);
    }

    // ---- strings ------------------------------------------------------------------------------

    /** The string at {@code off} in the string section(s); {@code at} is where the offset was read. */
    String string(int off, int at) {
        if (off == 0) {
            return "";
        }
        if (off < strFirst && off >= 0) {
            return base.string(off, at);
        }
        long start = (long) strStart + ((off & 0xffffffffL) - strFirst);
        if (off < 0 || start >= strEnd) {
            throw new BtfFormatException(at, "string offset " + (off & 0xffffffffL) + " past the string section ("
                    + stringsLength() + " bytes)");
        }
        int s = (int) start;
        int e = s;
        while (data.get(e) != 0) {
            e++; // the section ends with NUL (checked at load), so this stops inside it
        }
        byte[] bytes = new byte[e - s];
        data.get(s, bytes, 0, bytes.length);
        for (byte c : bytes) {
            if (c < 0) {
                return utf8(bytes, at);
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1); // ASCII, as every kernel name is
    }

    /** Strict UTF-8: a name that does not decode could never be found again by lookups. */
    private static String utf8(byte[] bytes, int at) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BtfFormatException(at, "name is not valid UTF-8");
        }
    }

    /** True if the string at {@code off} equals {@code name}; false for offsets out of range. */
    private boolean nameEquals(int off, byte[] name) {
        if (off < strFirst) {
            return off > 0 && base.nameEquals(off, name);
        }
        long start = (long) strStart + (off - strFirst);
        if (start + name.length >= strEnd) {
            return false;
        }
        int s = (int) start;
        for (int i = 0; i < name.length; i++) {
            if (data.get(s + i) != name[i]) {
                return false;
            }
        }
        return data.get(s + name.length) == 0;
    }

    /** Hash of the NUL-terminated string at {@code off}, or 0 for an offset out of range. */
    private int hashAt(int off) {
        if (off < strFirst) {
            return off > 0 ? base.hashAt(off) : 0;
        }
        long start = (long) strStart + (off - strFirst);
        if (start >= strEnd) {
            return 0;
        }
        int h = 0;
        for (int p = (int) start; ; p++) {
            byte c = data.get(p);
            if (c == 0) {
                return mix(h);
            }
            h = 31 * h + c;
        }
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte c : name) {
            h = 31 * h + c;
        }
        return mix(h);
    }

    private static int mix(int h) {
        h *= 0x9e3779b9;
        return h ^ (h >>> 16);
    }

    // ---- lookup by name -----------------------------------------------------------------------

    /**
     * Id of the first type named {@code name} of kind {@code kind}, searching base types first.
     *
     * <pre>{@code
     * btf.findId("task_struct", BtfKind.STRUCT);    // OptionalInt[114]
     * }</pre>
     */
    public OptionalInt findId(String name, BtfKind kind) {
        if (name == null || kind == null) {
            throw new IllegalArgumentException("findId(" + name + ", " + kind + "): name and kind are required");
        }
        LastLookup l = last;
        if (l != null && l.kind == kind.code() && l.name.equals(name)) {
            return l.id < 0 ? OptionalInt.empty() : OptionalInt.of(l.id);
        }
        int id = find(name.getBytes(StandardCharsets.UTF_8), kind.code());
        last = new LastLookup(name, kind.code(), id);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private int find(byte[] name, int kind) {
        if (name.length == 0 || kind == 0) {
            return -1;
        }
        if (base != null) {
            int id = base.find(name, kind);
            if (id >= 0) {
                return id;
            }
        }
        int[] index = nameIndex;
        if (index == null) {
            if (scans++ < SCANS_BEFORE_INDEX) {
                return scan(name, kind);
            }
            index = buildIndex();
        }
        int mask = index.length - 1;
        for (int slot = hash(name) & mask; ; slot = (slot + 1) & mask) {
            int e = index[slot];
            if (e == 0) {
                return -1;
            }
            int p = pos(firstId + e - 1);
            if (((data.getInt(p + 4) >>> 24) & 0x1f) == kind && nameEquals(data.getInt(p), name)) {
                return firstId + e - 1;
            }
        }
    }

    private int scan(byte[] name, int kind) {
        int n = indexed;
        int[] offs = offsets; // read after indexed: holds at least n entries
        for (int i = 0; ; i++) {
            if (i == n) {
                n = extend(n + 1);
                if (i == n) {
                    return -1;
                }
                offs = offsets;
            }
            int p = offs[i];
            if (((data.getInt(p + 4) >>> 24) & 0x1f) == kind && nameEquals(data.getInt(p), name)) {
                return firstId + i;
            }
        }
    }

    /** Open-addressing table of (type index + 1) keyed by the hash of the type's name; built once. */
    private synchronized int[] buildIndex() {
        int[] index = nameIndex;
        if (index != null) {
            return index;
        }
        int count = typeCount() - firstId;
        int[] offs = offsets;
        int size = Integer.highestOneBit(Math.max(4, count) * 2 - 1) << 1;
        index = new int[size];
        int mask = size - 1;
        for (int i = 0; i < count; i++) {
            int nameOff = data.getInt(offs[i]);
            if (nameOff == 0) {
                continue;
            }
            int slot = hashAt(nameOff) & mask;
            while (index[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            index[slot] = i + 1;
        }
        nameIndex = index;
        return index;
    }

    /** The first type named {@code name} of kind {@code kind}, decoded. */
    public Optional<BtfType> find(String name, BtfKind kind) {
        OptionalInt id = findId(name, kind);
        return id.isPresent() ? Optional.of(type(id.getAsInt())) : Optional.empty();
    }

    /**
     * The struct (or, failing that, union) named {@code name}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public BtfType.StructType struct(String name) {
        return (BtfType.StructType) type(structId(name));
    }

    /** Id of the struct, or else union, named {@code name} (a "struct " or "union " prefix is allowed). */
    int structId(String name) {
        String n = name.startsWith("struct ") ? name.substring(7) : name.startsWith("union ") ? name.substring(6) : name;
        OptionalInt id = name.startsWith("union ") ? OptionalInt.empty() : findId(n, BtfKind.STRUCT);
        if (id.isEmpty()) {
            id = findId(n, BtfKind.UNION);
        }
        if (id.isEmpty()) {
            throw new IllegalArgumentException("no struct or union named '" + n + "' in BTF ("
                    + (typeCount() - 1) + " types)");
        }
        return id.getAsInt();
    }

    // ---- decoding -----------------------------------------------------------------------------

    private static final BtfType.VoidType VOID = new BtfType.VoidType();

    /**
     * Decodes type {@code id}.
     *
     * @throws IllegalArgumentException if no type has this id
     * @throws BtfFormatException if the type's record is malformed (a name or type id out of range)
     */
    public BtfType type(int id) {
        checkId(id);
        if (id == 0) {
            return VOID;
        }
        return owner(id).decode(id);
    }

    private BtfType decode(int id) {
        int p = pos(id);
        int nameOff = data.getInt(p);
        int info = data.getInt(p + 4);
        int sizeOrType = data.getInt(p + 8);
        int vlen = info & 0xffff;
        boolean kflag = info < 0;
        BtfKind kind = BtfKind.of((info >>> 24) & 0x1f);
        switch (kind) {
            case INT: {
                int enc = data.getInt(p + 12);
                return new BtfType.IntType(id, string(nameOff, p), sizeOrType, (enc >>> 24) & 0xf,
                        (enc >>> 16) & 0xff, enc & 0xff);
            }
            case PTR:
                return new BtfType.PtrType(id, ref(sizeOrType, p + 8));
            case ARRAY:
                return new BtfType.ArrayType(id, ref(data.getInt(p + 12), p + 12), ref(data.getInt(p + 16), p + 16),
                        data.getInt(p + 20));
            case STRUCT:
            case UNION: {
                List<BtfType.Member> members = new ArrayList<>(vlen);
                for (int i = 0, m = p + 12; i < vlen; i++, m += 12) {
                    int off = data.getInt(m + 8);
                    members.add(new BtfType.Member(string(data.getInt(m), m), ref(data.getInt(m + 4), m + 4),
                            kflag ? off & 0xffffff : off & 0xffffffffL, kflag ? off >>> 24 : 0));
                }
                return new BtfType.StructType(id, string(nameOff, p), kind == BtfKind.UNION, sizeOrType,
                        Collections.unmodifiableList(members));
            }
            case ENUM:
            case ENUM64: {
                boolean wide = kind == BtfKind.ENUM64;
                int item = wide ? 12 : 8;
                List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                for (int i = 0, m = p + 12; i < vlen; i++, m += item) {
                    long v = wide ? (data.getInt(m + 4) & 0xffffffffL) | ((long) data.getInt(m + 8) << 32)
                            : kflag ? data.getInt(m + 4) : data.getInt(m + 4) & 0xffffffffL;
                    values.add(new BtfType.EnumValue(string(data.getInt(m), m), v));
                }
                return new BtfType.EnumType(id, string(nameOff, p), wide, kflag, sizeOrType,
                        Collections.unmodifiableList(values));
            }
            case FWD:
                return new BtfType.FwdType(id, string(nameOff, p), kflag);
            case TYPEDEF:
                return new BtfType.TypedefType(id, string(nameOff, p), ref(sizeOrType, p + 8));
            case VOLATILE:
            case CONST:
            case RESTRICT:
                return new BtfType.QualifierType(id, kind, ref(sizeOrType, p + 8));
            case TYPE_TAG:
                return new BtfType.TypeTagType(id, string(nameOff, p), ref(sizeOrType, p + 8));
            case FUNC:
                return new BtfType.FuncType(id, string(nameOff, p), ref(sizeOrType, p + 8), vlen);
            case FUNC_PROTO: {
                List<BtfType.Param> params = new ArrayList<>(vlen);
                for (int i = 0, m = p + 12; i < vlen; i++, m += 8) {
                    params.add(new BtfType.Param(string(data.getInt(m), m), ref(data.getInt(m + 4), m + 4)));
                }
                return new BtfType.FuncProtoType(id, ref(sizeOrType, p + 8), Collections.unmodifiableList(params));
            }
            case VAR:
                return new BtfType.VarType(id, string(nameOff, p), ref(sizeOrType, p + 8), data.getInt(p + 12));
            case DATASEC: {
                List<BtfType.VarInfo> vars = new ArrayList<>(vlen);
                for (int i = 0, m = p + 12; i < vlen; i++, m += 12) {
                    vars.add(new BtfType.VarInfo(ref(data.getInt(m), m), data.getInt(m + 4), data.getInt(m + 8)));
                }
                return new BtfType.DataSecType(id, string(nameOff, p), sizeOrType, Collections.unmodifiableList(vars));
            }
            case FLOAT:
                return new BtfType.FloatType(id, string(nameOff, p), sizeOrType);
            case DECL_TAG:
                return new BtfType.DeclTagType(id, string(nameOff, p), ref(sizeOrType, p + 8), data.getInt(p + 12));
            default:
                throw new BtfFormatException(p + 4, "unknown kind " + kind);
        }
    }

    /** Byte offset (in its own blob) of type {@code id}'s record, for error messages. */
    int where(int id) {
        return id == 0 ? 0 : owner(id).pos(id);
    }

    // ---- type chains and sizes ----------------------------------------------------------------

    /**
     * Follows typedef, const, volatile, restrict and type_tag links from {@code id} to the first
     * type of another kind.
     *
     * @throws BtfFormatException if the chain loops
     */
    public int resolveId(int id) {
        checkId(id);
        int start = id;
        for (int steps = 0; steps < MAX_CHAIN; steps++) {
            int k = kindCode(id);
            if (k != 8 && k != 9 && k != 10 && k != 11 && k != 18) {
                return id;
            }
            id = refOf(id);
        }
        throw new BtfFormatException(where(start), "type chain from id " + start + " is longer than " + MAX_CHAIN
                + " links (a loop?)");
    }

    /** The type {@code id} stands for once typedefs, qualifiers and type tags are skipped. */
    public BtfType resolve(int id) {
        return type(resolveId(id));
    }

    /**
     * Size in bytes of a value of type {@code id} (pointers are 8 bytes: BTF of 64-bit kernels).
     *
     * @throws IllegalArgumentException if the type has no size (void, a function, a forward declaration)
     * @throws BtfFormatException if the data is inconsistent (an array of functions, a loop)
     */
    public long sizeOf(int id) {
        long elements = 1;
        int start = id;
        for (int steps = 0; steps < MAX_CHAIN; steps++) {
            int r = resolveId(id);
            int k = kindCode(r);
            Btf b = r == 0 ? this : owner(r);
            int p = r == 0 ? 0 : b.pos(r);
            switch (k) {
                case 1: case 4: case 5: case 6: case 15: case 16: case 19: // INT STRUCT UNION ENUM DATASEC FLOAT ENUM64
                    return capped(elements, b.data.getInt(p + 8) & 0xffffffffL, p + 8);
                case 2: // PTR
                    return capped(elements, 8, p);
                case 3: // ARRAY
                    elements = capped(elements, b.data.getInt(p + 20) & 0xffffffffL, p + 20);
                    id = b.ref(b.data.getInt(p + 12), p + 12);
                    break;
                default:
                    if (steps == 0) {
                        throw new IllegalArgumentException("type " + r + " (" + BtfKind.of(k) + ") has no size");
                    }
                    throw new BtfFormatException(where(r), "type " + r + " (" + BtfKind.of(k)
                            + ") has no size but is the element of array type " + start);
            }
        }
        throw new BtfFormatException(where(start), "array chain from id " + start + " is longer than " + MAX_CHAIN
                + " links (a loop?)");
    }

    /** {@code a * b}, both non-negative, failing beyond 2^40 (no kernel type is a terabyte). */
    private static long capped(long a, long b, int at) {
        if (b != 0 && a > (1L << 40) / b) {
            throw new BtfFormatException(at, "type size " + a + " * " + b + " exceeds 2^40 bytes");
        }
        return a * b;
    }

    /** Name of type {@code id} (which must exist), without decoding the rest of its record. */
    String nameOf(int id) {
        if (id == 0) {
            return "void";
        }
        Btf b = owner(id);
        int p = b.pos(id);
        return b.string(b.data.getInt(p), p);
    }

    /**
     * The C spelling of type {@code id}: {@code "struct task_struct *"}, {@code "const char *"},
     * {@code "char [16]"}, {@code "int (*)(void *)"}.
     */
    public String typeName(int id) {
        checkId(id);
        return TypeNames.render(this, id);
    }

    // ---- members and field paths --------------------------------------------------------------

    /**
     * The member of struct/union {@code struct} reached by {@code memberPath}: one member name, or
     * names joined by '.' through embedded structs ({@code "se.vruntime"}). Members of anonymous
     * inner structs and unions are found as if they were direct members; the returned offset counts
     * from the start of {@code struct}.
     *
     * @throws IllegalArgumentException if the struct or a member does not exist
     */
    public BtfType.Member member(String struct, String memberPath) {
        int sid = structId(struct);
        long bits = 0;
        BtfType.Member m = null;
        int cur = sid;
        for (String name : memberPath.split("\\.", -1)) {
            if (m != null) {
                cur = resolveId(m.type());
                int k = kindCode(cur);
                if (k != 4 && k != 5) {
                    throw new IllegalArgumentException("'" + memberPath + "' in " + struct + ": '" + m.name()
                            + "' is " + typeName(m.type()) + ", not a struct or union");
                }
            }
            m = memberOf(cur, name, memberPath);
            bits += m.bitOffset();
        }
        return new BtfType.Member(m.name(), m.type(), bits, m.bitfieldSize());
    }

    /**
     * Byte offset of {@code memberPath} (see {@link #member}) in struct {@code struct}.
     *
     * <pre>{@code
     * Btf.kernel().offsetOf("task_struct", "tgid");   // 1268 on one 6.18 build
     * }</pre>
     *
     * @throws IllegalArgumentException if there is no such member, or it is a bitfield
     */
    public long offsetOf(String struct, String memberPath) {
        BtfType.Member m = member(struct, memberPath);
        if (m.isBitfield() || (m.bitOffset() & 7) != 0) {
            throw new IllegalArgumentException(struct + "." + memberPath + " is a bitfield (bit offset "
                    + m.bitOffset() + ", " + m.bitfieldSize() + " bits): it has no byte offset");
        }
        return m.offset();
    }

    /** Member {@code name} of struct/union type {@code sid} (searching anonymous members too). */
    BtfType.Member memberOf(int sid, String name, String context) {
        BtfType.Member m = findMember(sid, name.getBytes(StandardCharsets.UTF_8), name, 0, new int[1]);
        if (m == null) {
            throw new IllegalArgumentException("no member '" + name + "' in " + typeName(sid)
                    + (context.equals(name) ? "" : " (path '" + context + "')"));
        }
        return m;
    }

    /** Scans the member records in place, decoding only the one found. */
    private BtfType.Member findMember(int sid, byte[] name, String nameString, int depth, int[] scanned) {
        if (depth > MAX_CHAIN) {
            throw new BtfFormatException(where(sid), "anonymous members nested more than " + MAX_CHAIN + " deep");
        }
        Btf b = owner(sid);
        int p = b.pos(sid);
        int info = b.data.getInt(p + 4);
        boolean kflag = info < 0;
        int vlen = info & 0xffff;
        if ((scanned[0] += vlen) > MEMBER_BUDGET) {
            // Only corrupted data shares one anonymous struct this often; stop before it explodes.
            throw new BtfFormatException(p, "more than " + MEMBER_BUDGET + " members searched for '" + nameString
                    + "' through anonymous members");
        }
        for (int i = 0, m = p + 12; i < vlen; i++, m += 12) {
            int nameOff = b.data.getInt(m);
            int off = b.data.getInt(m + 8);
            long bits = kflag ? off & 0xffffff : off & 0xffffffffL;
            if (nameOff != 0) {
                if (b.nameEquals(nameOff, name)) {
                    return new BtfType.Member(nameString, b.ref(b.data.getInt(m + 4), m + 4), bits,
                            kflag ? off >>> 24 : 0);
                }
            } else {
                int inner = resolveId(b.ref(b.data.getInt(m + 4), m + 4));
                int k = kindCode(inner);
                if (k == 4 || k == 5) {
                    BtfType.Member found = findMember(inner, name, nameString, depth + 1, scanned);
                    if (found != null) {
                        return new BtfType.Member(found.name(), found.type(), bits + found.bitOffset(),
                                found.bitfieldSize());
                    }
                }
            }
        }
        return null;
    }

    /**
     * The reads a program makes to fetch the value at {@code expression}: a root struct name, then
     * members joined by '.' (same object) or '->' (follow the pointer read so far), and array
     * indices {@code [n]}. The root is the struct a base pointer points at, so the first separator
     * may be either.
     *
     * <pre>{@code
     * FieldPath p = Btf.kernel().path("task_struct.real_parent->tgid");
     * p.hops();   // [Hop[offset=1280, size=8, ...], Hop[offset=1268, size=4, ...]]
     * }</pre>
     *
     * @throws IllegalArgumentException if the expression does not parse or names a missing member
     */
    public FieldPath path(String expression) {
        return FieldPaths.resolve(this, expression);
    }

    /**
     * Struct {@code struct} as a bpf-structs layout with the kernel's offsets and size: all its
     * members, or only {@code members} (see {@link BtfLayouts}).
     *
     * <pre>{@code
     * StructLayout t = Btf.kernel().layout("task_struct", "pid", "tgid", "comm");
     * }</pre>
     */
    public io.bpf4j.structs.StructLayout layout(String struct, String... members) {
        return members.length == 0 ? BtfLayouts.layout(this, struct) : BtfLayouts.layout(this, struct, members);
    }

    // ---- functions ----------------------------------------------------------------------------

    /**
     * The signature of kernel function {@code name} (a FUNC and its FUNC_PROTO), if BTF has it.
     * Functions that were inlined everywhere have no FUNC record.
     *
     * <pre>{@code
     * Btf.kernel().function("do_filp_open").orElseThrow().parameter("pathname").orElseThrow().index();  // 1
     * }</pre>
     */
    public Optional<FunctionSignature> function(String name) {
        OptionalInt id = findId(name, BtfKind.FUNC);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        BtfType.FuncType func = (BtfType.FuncType) type(id.getAsInt());
        BtfType proto = type(func.proto());
        if (!(proto instanceof BtfType.FuncProtoType)) {
            throw new BtfFormatException(where(func.id()) + 8, "FUNC " + name + " refers to type " + func.proto()
                    + " (" + proto.kind() + "): expected FUNC_PROTO");
        }
        BtfType.FuncProtoType fp = (BtfType.FuncProtoType) proto;
        List<FunctionSignature.Parameter> params = new ArrayList<>(fp.params().size());
        for (BtfType.Param p : fp.params()) {
            params.add(new FunctionSignature.Parameter(params.size(), p.name(), p.type(),
                    p.type() == 0 ? "..." : typeName(p.type())));
        }
        return Optional.of(new FunctionSignature(name, func.id(), fp.returnType(), typeName(fp.returnType()),
                Collections.unmodifiableList(params)));
    }

    @Override
    public String toString() {
        return "Btf[types from id " + firstId + ", " + data.limit() + " bytes"
                + (base == null ? "" : ", split on " + base) + "]";
    }
}
