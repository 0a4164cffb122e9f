package io.bpf4j.syscall.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The symbolizer over fixtures (fake sources), and over this very process (real maps, real libc). */
class SymbolizerTest {
    private static final int PID = 4242;

    /** Fixture sources: maps and perf map as given, ELF files from this machine, jcmd scripted. */
    private static final class Fixtures implements SymbolSources {
        String kallsyms = "ffffffff81001000 T do_syscall_64\nffffffff81001200 T ksys_read\n";
        String maps = "";
        String perfMap;
        IOException jcmdFails;
        String flags = "     bool PreserveFramePointer                     = false                                 {pd product} {default}\n";
        final List<String> jcmdCalls = new ArrayList<>();

        @Override
        public String kallsyms() {
            return kallsyms;
        }

        @Override
        public String maps(int pid) throws IOException {
            if (pid != PID) {
                throw new NoSuchFileException("/proc/" + pid + "/maps");
            }
            return maps;
        }

        @Override
        public String perfMap(int pid) throws IOException {
            if (perfMap == null) {
                throw new NoSuchFileException("/tmp/perf-" + pid + ".map");
            }
            return perfMap;
        }

        @Override
        public Path elfFile(int pid, Mapping mapping) {
            return Path.of(mapping.path());
        }

        @Override
        public String jcmd(int pid, String... command) throws IOException {
            jcmdCalls.add(String.join(" ", command));
            if (jcmdFails != null) {
                throw jcmdFails;
            }
            return command[0].equals("VM.flags") ? flags : "Command executed successfully\n";
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }

    /** Where this JVM's libc is, from its own maps. */
    private static Path libc() {
        for (Mapping m : Mapping.parse(readSelfMaps())) {
            if (m.shortName().startsWith("libc.so")) {
                return Path.of(m.path());
            }
        }
        throw new AssertionError("no libc in /proc/self/maps");
    }

    private static String readSelfMaps() {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc/self/maps")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aLibcFunctionInThisProcessIsNamedThroughTheLoadBias() {
        long getpid = Pointer.nativeValue(NativeLibrary.getInstance("c").getFunction("getpid"));
        long pid = ProcessHandle.current().pid();
        Symbolizer s = new Symbolizer(SymbolSources.system());
        List<Frame> frames = s.user((int) pid, new long[] {getpid, getpid + 1 + 1});
        assertEquals(new Frame("getpid", FrameKind.NATIVE), frames.get(0));
        assertEquals("getpid", frames.get(1).name(), "a return address is looked up one byte earlier");
        assertTrue(s.isJvm((int) pid), "this test runs in a HotSpot JVM");
    }

    @Test
    void aSharedLibraryMappedAtAnyBaseResolvesByFileOffset() throws Exception {
        // readelf (binutils) is the oracle: the symbol's value and the executable PT_LOAD segment.
        Path libc = libc();
        long value = -1;
        for (String line : run("readelf", "--dyn-syms", "-W", libc.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[3].equals("FUNC") && f[7].startsWith("getpid@")) {
                value = Long.parseUnsignedLong(f[1], 16);
            }
        }
        long segOffset = -1;
        long segVaddr = -1;
        long segSize = -1;
        for (String line : run("readelf", "-lW", libc.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[0].equals("LOAD") && line.contains("R E")) {
                segOffset = Long.decode(f[1]);
                segVaddr = Long.decode(f[2]);
                segSize = Long.decode(f[5]);
            }
        }
        assertTrue(value > 0 && segOffset >= 0, "readelf found getpid and the text segment");
        long pageOffset = segOffset & ~0xfffL;
        long base = 0x7f1234560000L;                       // the text segment's first page is mapped here
        Fixtures f = new Fixtures();
        f.maps = String.format("%x-%x r-xp %08x 08:01 1234 %s%n", base, base + segSize + 0x2000, pageOffset, libc);
        long address = base + (value - segVaddr) + (segOffset - pageOffset);
        Symbolizer s = new Symbolizer(f);
        assertEquals(new Frame("getpid", FrameKind.NATIVE), s.user(PID, new long[] {address}).get(0));
        assertFalse(s.isJvm(PID));
    }

    @Test
    void anonymousMemoryIsNamedFromThePerfMapAfterAskingTheJvm() {
        Fixtures f = new Fixtures();
        f.maps = "7f0000000000-7f0000100000 rwxp 00000000 00:00 0 \n"
                + "7f0000200000-7f0000201000 r-xp 00001000 08:01 99 /usr/lib/jvm/x/lib/server/libjvm.so\n";
        Symbolizer s = new Symbolizer(f);
        assertEquals(Frame.unknown(null, 0), s.user(PID, new long[] {0x7f0000000100L}).get(0), "no perf map yet");
        f.perfMap = "0x00007f0000000100 0x0000000000000080 void Workload.hot(int)\n"
                + "0x00007f0000001000 0x0000000000001000 Interpreter\n";
        JavaSymbols j = s.javaPerfMap(PID);
        assertEquals(List.of("Compiler.perfmap", "VM.flags -all"), f.jcmdCalls);
        assertEquals(new JavaSymbols(PID, true, 2, Boolean.FALSE, null), j);
        List<Frame> frames = s.user(PID, new long[] {0x7f0000000110L, 0x7f0000001800L, 0x7f0000200010L});
        assertEquals(new Frame("Workload.hot", FrameKind.JAVA), frames.get(0));
        assertEquals(new Frame("Interpreter", FrameKind.INTERPRETER), frames.get(1));
        assertTrue(s.isJvm(PID));
    }

    @Test
    void whenJcmdFailsTheProblemSaysWhatToDo() {
        Fixtures f = new Fixtures();
        f.jcmdFails = new IOException("jcmd 4242 Compiler.perfmap failed (exit 1): Unable to open socket file");
        JavaSymbols j = new Symbolizer(f).javaPerfMap(PID);
        assertFalse(j.perfMap());
        assertNull(j.preserveFramePointer());
        assertTrue(j.problem().contains("Unable to open socket file"), j.problem());
        assertTrue(j.problem().contains("-XX:+DumpPerfMapAtExit"), j.problem());
    }

    @Test
    void unreadableFilesAndGoneProcessesGiveUnknownFramesNamingTheModule() {
        Fixtures f = new Fixtures();
        f.maps = "555500000000-555500001000 r-xp 00002000 08:01 7 /nonexistent/app\n";
        Symbolizer s = new Symbolizer(f);
        assertEquals(new Frame("[app+0x2010]", FrameKind.UNKNOWN), s.user(PID, new long[] {0x555500000010L}).get(0));
        assertEquals(Frame.unknown(null, 0), s.user(PID + 1, new long[] {0x555500000010L}).get(0));
    }

    @Test
    void kernelStacksAreNamedLeafFirst() {
        Symbolizer s = new Symbolizer(new Fixtures());
        assertEquals(List.of(new Frame("ksys_read", FrameKind.KERNEL), new Frame("do_syscall_64", FrameKind.KERNEL)),
                s.kernel(new long[] {0xffffffff81001210L, 0xffffffff81001050L}));
    }

    @Test
    void mapsLinesParseWithAndWithoutPaths() {
        List<Mapping> maps = Mapping.parse("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon\n"
                + "7ffd1b1f4000-7ffd1b215000 rw-p 00000000 00:00 0                          [stack]\n"
                + "7f00000-bad line\n"
                + "7f1c00000000-7f1c00001000 rwxp 00000000 00:00 0 \n");
        assertEquals(3, maps.size());
        assertEquals(new Mapping(0x400000L, 0x452000L, "r-xp", 0, 173521, "/usr/bin/dbus-daemon"), maps.get(0));
        assertEquals("dbus-daemon", maps.get(0).shortName());
        assertTrue(maps.get(0).executable() && maps.get(0).fileBacked());
        assertEquals("[stack]", maps.get(1).path());
        assertFalse(maps.get(1).fileBacked());
        assertEquals("", maps.get(2).path());
    }
}
