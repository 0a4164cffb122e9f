package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.testing.KernelTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The separate project's tracer ({@code src/test/consumer}) on the kernel: compiled against this
 * build's modules and their two dependencies only (JNA, SLF4J's API: no binding, no architecture
 * plugin), then run on the module path and on the class path. {@link LibraryConsumerIT} builds the
 * same project from the README's install with Maven; the kernel part is here, so that it runs on
 * every kernel the kernel tests run on without two offline Maven builds (minutes under emulation).
 */
@KernelTest
class ConsumerTracerKernelTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final List<String> MODULES = List.of("bpf-core", "bpf-structs", "bpf-syscall", "bpf-kprobe",
            "bpf-ringbuf");

    @TempDir
    Path tmp;

    /** The modules' classes and the JNA and SLF4J API jars this test runs with. */
    private static List<String> libraries() {
        List<String> path = new ArrayList<>();
        for (String m : MODULES) {
            path.add(ROOT.resolve(m).resolve("target/classes").toString());
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.matches("(jna|slf4j-api)-[0-9.]+\\.jar")) {
                path.add(entry);
            }
        }
        assertEquals(MODULES.size() + 2, path.size(), "modules, JNA and SLF4J's API: " + path);
        return path;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running: " + command);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void theConsumersTracerSeesItsForkOnTheModulePathAndOnTheClassPath() throws Exception {
        Path classes = tmp.resolve("classes");
        String libs = String.join(File.pathSeparator, libraries());
        List<String> sources;
        try (Stream<Path> files = Files.walk(ROOT.resolve("bpf-examples/src/test/consumer/src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        List<String> javac = new ArrayList<>(List.of("--release", "17", "--module-path", libs, "-d", classes.toString()));
        javac.addAll(sources);
        ToolProvider compiler = ToolProvider.findFirst("javac").orElseThrow();    // in this JVM: no start-up
        assertEquals(0, compiler.run(System.out, System.err, javac.toArray(new String[0])), "javac " + javac);

        String path = classes + File.pathSeparator + libs;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = run(List.of(java, "--module-path", path, "-m", "example.tracer/example.tracer.ForkTracer"));
        String classPath = run(List.of(java, "-cp", path, "example.tracer.ForkTracer"));
        for (String out : List.of(modulePath, classPath)) {
            assertTrue(Pattern.compile("(?m)^fork parent_comm=\\S+ child_pid=\\d+ child_comm=\\S+$").matcher(out).find(),
                    out);
            assertFalse(out.contains("SLF4J"), "no SLF4J warning without a binding: " + out);
        }
    }
}
