package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.Errno;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ELF reader against untrusted files: truncated and crafted headers, foreign machines,
 * things that are not regular files, and 100,000 mutated ELF images (seed printed; rerun one
 * with {@code -Dbpf4j.elfFuzz.seed=N}). Every input either parses or fails with an
 * {@link IOException} naming the file, in bounded time and memory.
 */
class ElfFuzzTest {
    private static final int INPUTS = 100_000;

    @TempDir
    Path dir;

    /** Small real ELF files of this machine: a stripped executable and a library with symbol versions. */
    private static List<byte[]> seeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String p : new String[] {"/bin/true", "/lib/x86_64-linux-gnu/libdl.so.2", "/lib64/libdl.so.2",
            "/lib/aarch64-linux-gnu/libdl.so.2", "/usr/lib/libdl.so.2"}) {
            Path path = Path.of(p);
            if (Files.isRegularFile(path) && Files.size(path) < 256 * 1024) {
                out.add(Files.readAllBytes(path));
            }
        }
        assumeTrue(!out.isEmpty(), "no small ELF file found to mutate");
        return out;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static final long[] EXTREMES = {0, 1, 7, 24, 63, 64, 0xffff, 0x7fff_ffffL, 0xffff_ffffL, Long.MAX_VALUE, -1,
        -24, Long.MIN_VALUE};

    /** One mutation of {@code seed}: flipped bytes, an extreme header or section field, or a truncation. */
    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        ByteBuffer bb = le(b);
        int shoff = (int) Math.min(bb.getLong(40), b.length);
        int shnum = Short.toUnsignedInt(bb.getShort(60));
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int kind = r.nextInt(6);
            if (kind == 0) { // random bytes anywhere
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            } else if (kind == 1) { // an ELF header field
                int[][] fields = {{32, 8}, {40, 8}, {54, 2}, {56, 2}, {58, 2}, {60, 2}, {62, 2}, {4, 1}, {5, 1}, {18, 2}};
                int[] f = fields[r.nextInt(fields.length)];
                put(bb, f[0], f[1], pick(r, b.length));
            } else if (kind <= 3 && shnum > 0 && shoff + shnum * 64 <= b.length) { // a section header field
                int s = shoff + r.nextInt(shnum) * 64;
                int[][] fields = {{4, 4}, {24, 8}, {32, 8}, {40, 4}, {56, 8}};
                int[] f = fields[r.nextInt(fields.length)];
                put(bb, s + f[0], f[1], pick(r, b.length));
            } else if (kind == 4) { // truncation
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            } else { // a 4- or 8-byte word anywhere set to an extreme (symbols, verdef links, strings)
                int at = r.nextInt(b.length - 8);
                put(bb, at, r.nextBoolean() ? 4 : 8, pick(r, b.length));
            }
        }
        return b;
    }

    private static long pick(Random r, int fileSize) {
        switch (r.nextInt(4)) {
            case 0:
                return EXTREMES[r.nextInt(EXTREMES.length)];
            case 1:
                return fileSize - r.nextInt(64);
            case 2:
                return r.nextInt(fileSize + 1);
            default:
                return r.nextLong();
        }
    }

    private static void put(ByteBuffer bb, int at, int width, long v) {
        switch (width) {
            case 1:
                bb.put(at, (byte) v);
                break;
            case 2:
                bb.putShort(at, (short) v);
                break;
            case 4:
                bb.putInt(at, (int) v);
                break;
            default:
                bb.putLong(at, v);
        }
    }

    @Test
    void aHundredThousandMutatedElfFilesFailOnlyWithIoExceptionsInBoundedTimeAndMemory() throws IOException {
        long seed = Long.getLong("bpf4j.elfFuzz.seed", System.nanoTime());
        System.out.println("ElfFuzzTest seed " + seed + " (rerun with -Dbpf4j.elfFuzz.seed=" + seed + ")");
        Random r = new Random(seed);
        List<byte[]> seeds = seeds();
        AllocationCounter allocated = new AllocationCounter();
        int parsed = 0;
        int rejected = 0;
        long maxAllocated = 0;
        long maxNanos = 0;
        int largest = 0;
        List<String> unexpected = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(i % seeds.size()), r);
            largest = Math.max(largest, input.length);
            Path name = Path.of("fuzz-" + i + ".so");
            long before = allocated.bytes();
            long t0 = System.nanoTime();
            try {
                ElfSymbols elf = ElfSymbols.parse(name, ByteBuffer.wrap(input));
                elf.find("dlopen");
                parsed++;
            } catch (IOException e) {
                if (!e.getMessage().contains(name.toString())) {
                    unexpected.add("input " + i + ": message does not name the file: " + e.getMessage());
                }
                rejected++;
            } catch (RuntimeException | Error e) {
                unexpected.add("input " + i + ": " + e);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - t0);
            maxAllocated = Math.max(maxAllocated, allocated.bytes() - before);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("ElfFuzzTest: %d inputs from %d seeds (largest %d bytes): %d parsed, %d rejected with an "
                        + "IOException, %d unexpected; at most %d bytes allocated and %.2f ms for one input; %d ms in all%n",
                INPUTS, seeds.size(), largest, parsed, rejected, unexpected.size(), maxAllocated, maxNanos / 1e6, ms);
        assertEquals(List.of(), unexpected.subList(0, Math.min(10, unexpected.size())), "seed " + seed);
        // Linear in the input: the names' budget is 4 x the file + 1 MiB; a copy of the input and lists come on top.
        assertTrue(maxAllocated < 16L * largest + (8 << 20), "one input allocated " + maxAllocated + " bytes; seed " + seed);
        assertTrue(rejected > INPUTS / 10 && parsed > 0, "the mutations should both break and spare files");
    }

    /**
     * Bytes this thread has allocated, through {@code com.sun.management.ThreadMXBean} (by
     * reflection: the module under test does not read java.management).
     */
    private static final class AllocationCounter {
        private final Object bean;
        private final Method method;
        private final long thread = Thread.currentThread().getId();

        AllocationCounter() {
            try {
                bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
                method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this JVM cannot count allocated bytes", e);
            }
        }

        long bytes() {
            try {
                return (Long) method.invoke(bean, thread);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] bin() throws IOException {
        return Files.readAllBytes(Path.of("/bin/true"));
    }

    @Test
    void aTruncatedElfNamesTheFileAndTheTableBeyondItsEnd() throws IOException {
        Path p = write("truncated", java.util.Arrays.copyOf(bin(), 1000));
        IOException e = assertThrows(IOException.class, () -> ElfSymbols.read(p));
        assertTrue(e.getMessage().startsWith(p + " is not a valid ELF file"), e.getMessage());
        assertTrue(e.getMessage().contains("beyond the end of the file (1000 bytes)"), e.getMessage());
    }

    @Test
    void aCraftedSymbolTableSizeOrEntrySizeFailsAtOnce() throws IOException {
        byte[] b = bin();
        ByteBuffer bb = le(b);
        int shoff = (int) bb.getLong(40);
        int dynsym = -1;
        for (int i = 0; i < bb.getShort(60); i++) {
            if (bb.getInt(shoff + i * 64 + 4) == 11) {
                dynsym = shoff + i * 64;
            }
        }
        assertTrue(dynsym > 0, "/bin/true has no .dynsym");
        byte[] huge = b.clone();
        le(huge).putLong(dynsym + 32, Long.MAX_VALUE / 2);
        Path p1 = write("huge-size", huge);
        IOException e1 = assertThrows(IOException.class, () -> ElfSymbols.read(p1));
        assertTrue(e1.getMessage().contains("(.dynsym)") && e1.getMessage().contains("beyond the end"), e1.getMessage());
        byte[] tiny = b.clone();
        le(tiny).putLong(dynsym + 56, 1);
        Path p2 = write("entsize-1", tiny);
        IOException e2 = assertThrows(IOException.class, () -> ElfSymbols.read(p2));
        assertTrue(e2.getMessage().contains("sh_entsize 1: expected at least 24"), e2.getMessage());
    }

    @Test
    void aForeignMachineIsRejectedNamingBothArchitectures() throws IOException {
        int here = ElfSymbols.nativeMachine();
        assumeTrue(here > 0, "unknown os.arch");
        byte[] b = Files.readAllBytes(Path.of("/bin/true"));
        int foreign = here == ElfSymbols.EM_X86_64 ? ElfSymbols.EM_AARCH64 : ElfSymbols.EM_X86_64;
        le(b).putShort(18, (short) foreign);
        Path p = write("foreign-true", b);
        BpfException e = assertThrows(BpfException.class, () -> UprobeResolver.resolve(p.toString(), "main", 0));
        assertEquals(Errno.ENOEXEC, e.errno());
        assertTrue(e.getMessage().contains("is built for " + ElfSymbols.machineName(foreign))
                && e.getMessage().contains("this machine is " + ElfSymbols.machineName(here)), e.getMessage());
    }

    @Test
    void aDirectoryFifoOrDeviceIsCalledWhatItIsNotMissing() throws Exception {
        IOException d = assertThrows(IOException.class, () -> Libraries.resolve(dir.toString()));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
        IOException dev = assertThrows(IOException.class, () -> Libraries.resolve("/dev/null"));
        assertTrue(dev.getMessage().contains("is not a regular file"), dev.getMessage());
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo failed");
        // Would block forever if opened: the check must come before any open.
        IOException f = assertThrows(IOException.class, () -> ElfSymbols.read(fifo));
        assertTrue(f.getMessage().contains("is not a regular file"), f.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Libraries.resolve(dir + "/absent"));
        assertTrue(missing.getMessage().startsWith("no such file"), missing.getMessage());
        BpfException viaProbe = assertThrows(BpfException.class,
                () -> UprobeResolver.resolve(dir.toString(), "main", 0));
        assertFalse(viaProbe.getMessage().contains("no such file"), viaProbe.getMessage());
    }

    @Test
    void malformedProcMapsLinesAreSkipped() {
        List<ProcMaps.Mapping> m = ProcMaps.parse("garbage\nzz-1 r-xp 0 00:00 0\n-5 r 0 0 0\n"
                + "7f00-7f10 r-xp 00000000 08:01 42 /usr/lib/x.so\n");
        assertEquals(1, m.size());
        assertEquals("/usr/lib/x.so", m.get(0).path());
    }
}
