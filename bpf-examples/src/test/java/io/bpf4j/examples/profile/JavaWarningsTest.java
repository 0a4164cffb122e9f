package io.bpf4j.examples.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.symbols.Mapping;
import io.bpf4j.syscall.symbols.SymbolSources;
import io.bpf4j.syscall.symbols.Symbolizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What profile tells the user about the JVMs it profiled, over scripted sources (no JVM, no kernel). */
class JavaWarningsTest {
    /** A JVM (it maps libjvm.so) whose jcmd answers as scripted. */
    private static final class Jvm implements SymbolSources {
        final String flags;
        final IOException perfmapFails;
        final List<String> asked = new ArrayList<>();

        Jvm(String flags, IOException perfmapFails) {
            this.flags = flags;
            this.perfmapFails = perfmapFails;
        }

        @Override
        public String kallsyms() {
            return "";
        }

        @Override
        public String maps(int pid) {
            return "7f0000200000-7f0000201000 r-xp 00001000 08:01 99 /usr/lib/jvm/x/lib/server/libjvm.so\n";
        }

        @Override
        public String perfMap(int pid) throws IOException {
            if (perfmapFails != null) {
                throw new NoSuchFileException("/tmp/perf-" + pid + ".map");
            }
            return "0x00007f0000000100 0x0000000000000080 void Workload.hot(int)\n";
        }

        @Override
        public Path elfFile(int pid, Mapping mapping) {
            return Path.of("/nonexistent");
        }

        @Override
        public String jcmd(int pid, String... command) throws IOException {
            asked.add(pid + " " + String.join(" ", command));
            if (command[0].equals("Compiler.perfmap") && perfmapFails != null) {
                throw perfmapFails;
            }
            return command[0].equals("VM.flags") ? flags : "Command executed successfully\n";
        }
    }

    private static String warnings(Jvm jvm, Integer pid) {
        ProfileCommand c = new ProfileCommand();
        c.pid = pid;
        StringWriter err = new StringWriter();
        c.askJvms(List.of(new StackSample(77, "java", new long[] {1}, new long[0], 1, StackSample.EFAULT, 10)),
                new Symbolizer(jvm), new PrintWriter(err));
        return err.toString();
    }

    @Test
    void aJvmWithoutPreserveFramePointerIsWarnedAbout() {
        Jvm jvm = new Jvm("     bool PreserveFramePointer                     = false                                 {pd product} {default}\n", null);
        String err = warnings(jvm, 77);
        assertEquals(List.of("77 Compiler.perfmap", "77 VM.flags -all"), jvm.asked);
        assertTrue(err.contains("JVM 77 runs without -XX:+PreserveFramePointer"), err);
        assertTrue(err.contains("restart it with -XX:+PreserveFramePointer"), err);
    }

    @Test
    void aJvmWithPreserveFramePointerGetsNoWarning() {
        Jvm jvm = new Jvm("     bool PreserveFramePointer                     = true                                   {pd product} {command line}\n", null);
        assertEquals("", warnings(jvm, null));
    }

    @Test
    void aJvmThatCannotWriteItsPerfMapIsToldHowToGetOne() {
        Jvm jvm = new Jvm("", new IOException("jcmd 77 Compiler.perfmap failed (exit 1): AttachNotSupportedException"));
        String err = warnings(jvm, 77);
        assertTrue(err.startsWith("bpf4j profile: could not ask JVM 77 for its perf map: jcmd 77 Compiler.perfmap failed"), err);
        assertTrue(err.contains("jcmd 77 Compiler.perfmap' (run it as the JVM's user)"), err);
    }
}
