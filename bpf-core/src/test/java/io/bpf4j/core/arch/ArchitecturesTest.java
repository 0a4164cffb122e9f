package io.bpf4j.core.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchitecturesTest {

    @Test
    void noPluginForTheForcedArchitectureNamesItThePluginsFoundAndTheArtifact() {
        String before = System.getProperty(Architectures.PROPERTY);
        System.setProperty(Architectures.PROPERTY, "s390x");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, Architectures::current);
            // bpf-core's own tests have no plugin on the class path.
            assertEquals("no bpf4j architecture plugin for -Dbpf4j.arch=s390x (os.arch=" + System.getProperty("os.arch")
                    + "); plugins found: none; add the artifact io.bpf4j:bpf-arch-s390x to the class or module path,"
                    + " or write a plugin (docs/architecture-plugins.md)", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Architectures.PROPERTY);
            } else {
                System.setProperty(Architectures.PROPERTY, before);
            }
        }
    }

    @Test
    void noPluginForTheHostNamesOsArchAndTheArtifactForIt() {
        assertTrue(System.getProperty(Architectures.PROPERTY) == null, "test run with -Dbpf4j.arch set");
        IllegalStateException e = assertThrows(IllegalStateException.class, Architectures::current);
        String osArch = System.getProperty("os.arch");
        String artifact = osArch.equals("amd64") || osArch.equals("x86_64") ? "bpf-arch-x86"
                : osArch.equals("aarch64") ? "bpf-arch-arm64" : "bpf-arch-" + osArch;
        assertEquals("no bpf4j architecture plugin for os.arch=" + osArch + "; plugins found: none; add the artifact io.bpf4j:"
                + artifact + " to the class or module path, or write a plugin (docs/architecture-plugins.md)", e.getMessage());
    }

    /**
     * The plugin story for real: a riscv64 plugin module, compiled here from source into a temp
     * directory, is found on the module path by a separate JVM that has only bpf-core and an
     * application module requiring nothing but bpf-core. No other module knows about riscv64.
     */
    @Test
    void aThirdPluginOnTheModulePathIsDiscoveredWithoutChangingAnyOtherModule(@TempDir Path tmp)
            throws IOException, InterruptedException, URISyntaxException {
        Path core = Path.of(Architecture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.exists(core.resolve("module-info.class")), "bpf-core is not an exploded module at " + core);

        Path pluginSrc = tmp.resolve("src/test.riscv");
        write(pluginSrc.resolve("module-info.java"), "module test.riscv {\n"
                + "    requires io.bpf4j.core;\n"
                + "    provides io.bpf4j.core.arch.Architecture with test.riscv.Riscv64;\n"
                + "}\n");
        // struct pt_regs of arch/riscv/include/asm/ptrace.h: epc, ra, sp, gp, tp, t0-t2, s0, s1, a0-a7, ...
        write(pluginSrc.resolve("test/riscv/Riscv64.java"), "package test.riscv;\n"
                + "public final class Riscv64 implements io.bpf4j.core.arch.Architecture {\n"
                + "    public String name() { return \"riscv64\"; }\n"
                + "    public java.util.Set<String> aliases() { return java.util.Set.of(\"riscv64\", \"riscv\"); }\n"
                + "    public int argRegisterCount() { return 8; }\n"
                + "    public int argOffset(int i) { checkArgIndex(i); return 80 + 8 * i; }\n"
                + "    public int returnValueOffset() { return 80; }\n"
                + "    public int stackPointerOffset() { return 16; }\n"
                + "    public int framePointerOffset() { return 64; }\n"
                + "    public int instructionPointerOffset() { return 0; }\n"
                + "    public String syscallPrefix() { return \"__riscv_sys_\"; }\n"
                + "}\n");
        Path appSrc = tmp.resolve("src/test.app");
        write(appSrc.resolve("module-info.java"), "module test.app {\n    requires io.bpf4j.core;\n}\n");
        write(appSrc.resolve("test/app/Main.java"), "package test.app;\n"
                + "import io.bpf4j.core.arch.*;\n"
                + "public final class Main {\n"
                + "    public static void main(String[] args) {\n"
                + "        Architecture a = Architectures.byName(\"riscv64\").orElseThrow();\n"
                + "        System.out.println(a.name() + \" arg1=\" + a.argOffset(1) + \" \" + a.syscallFunction(\"execve\")\n"
                + "                + \" module=\" + a.getClass().getModule().getName()\n"
                + "                + \" current=\" + Architectures.current().name());\n"
                + "    }\n"
                + "}\n");
        Path mods = tmp.resolve("mods");
        compile(core, pluginSrc, mods.resolve("test.riscv"));
        compile(core, appSrc, mods.resolve("test.app"));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = core + File.pathSeparator + mods.resolve("test.app") + File.pathSeparator + mods.resolve("test.riscv");
        Process p = new ProcessBuilder(java, "-Dbpf4j.arch=riscv", "--module-path", modulePath,
                "-m", "test.app/test.app.Main").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("riscv64 arg1=88 __riscv_sys_execve module=test.riscv current=riscv64", out);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Compiles one module with the JDK's javac (a child process: the test runs inside io.bpf4j.core, which does not read java.compiler). */
    private static void compile(Path core, Path src, Path out) throws IOException, InterruptedException {
        String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
        List<String> args = new ArrayList<>(List.of(javac, "--module-path", core.toString(), "-d", out.toString()));
        try (var files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "javac did not finish");
        String out2 = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "javac " + args + "\n" + out2);
    }
}
