package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it as a library", done as a user would on a fresh machine: install bpf4j
 * with the command the README gives, then build a separate project (its own pom importing the
 * BOM: {@code src/test/consumer}) offline against what was installed, with bpf4j's jars and only
 * their own dependencies on its class path. {@link ConsumerTracerKernelTest} runs that project's
 * tracer on the kernel, on the module path and on the class path.
 *
 * <p>The install goes into a private local repository in a temporary directory
 * ({@code -Dmaven.repo.local}), plugins coming read-only from the shared one
 * ({@code -Dmaven.repo.local.tail}), so the shared {@code ~/.m2} gets no bpf4j SNAPSHOTs; the
 * install runs in a copy of the sources, so this build's own {@code target} directories are left
 * alone.
 */
class LibraryConsumerIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path SHARED_REPO = Path.of(System.getProperty("user.home"), ".m2", "repository");
    private static final String VERSION = "0.1.0-SNAPSHOT";

    @TempDir
    Path tmp;

    private static String run(Path dir, long timeoutSeconds, List<String> command) throws Exception {
        Path log = Files.createTempFile("bpf4j-consumer", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(log);
            assertTrue(done && p.exitValue() == 0, String.join(" ", command) + " failed in " + dir + ":\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The tracked sources of this checkout (what a fresh clone has), copied to {@code to}. */
    private static void copySources(Path to) throws Exception {
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(ROOT.toFile()).start();
        String files = new String(git.getInputStream().readAllBytes());
        assertEquals(0, git.waitFor());
        for (String f : files.split("\0")) {
            Path src = ROOT.resolve(f);
            if (f.isEmpty() || !Files.isRegularFile(src)) {
                continue;                                // deleted in the work tree, not yet committed
            }
            Path dst = to.resolve(f);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Also files not yet committed under {@code dir}: a test run before the commit sees them. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void readmeInstallThenASeparateProjectBuildsOfflineAgainstWhatWasInstalled() throws Exception {
        Path clone = tmp.resolve("bpf4j");
        Path repo = tmp.resolve("repo");
        copySources(clone);
        List<String> repoFlags = List.of("-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + SHARED_REPO);

        // The README's install command, offline, into the private repository.
        List<String> install = new ArrayList<>(List.of("./mvnw", "-B", "-ntp", "-o", "-q", "install", "-DskipTests"));
        install.addAll(repoFlags);
        run(clone, 1800, install);
        Path kprobe = repo.resolve("io/bpf4j/bpf-kprobe/" + VERSION);
        for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
            assertTrue(Files.isRegularFile(kprobe.resolve("bpf-kprobe-" + VERSION + suffix)), suffix + " installed");
        }
        assertTrue(Files.isRegularFile(repo.resolve("io/bpf4j/bpf-bom/" + VERSION + "/bpf-bom-" + VERSION + ".pom")));

        Path consumer = tmp.resolve("consumer");
        copyTree(ROOT.resolve("bpf-examples/src/test/consumer"), consumer);
        List<String> build = new ArrayList<>(List.of(clone.resolve("mvnw").toString(), "-B", "-ntp", "-o", "-q",
                "package", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt"));
        build.addAll(repoFlags);
        run(consumer, 600, build);
        String deps = Files.readString(consumer.resolve("classpath.txt")).trim();
        assertFalse(deps.contains("bpf-arch-"), "a tracepoint tracer needs no architecture plugin: " + deps);
        assertTrue(deps.contains(repo.toString()), "bpf4j comes from the private repository: " + deps);
        // Exactly what ConsumerTracerKernelTest runs the same tracer with.
        List<String> jars = new ArrayList<>();
        for (String jar : deps.split(java.io.File.pathSeparator)) {
            jars.add(Path.of(jar).getFileName().toString().replaceAll("-[0-9][0-9.]*(-SNAPSHOT)?\\.jar$", ""));
        }
        jars.sort(null);
        assertEquals(List.of("bpf-core", "bpf-kprobe", "bpf-ringbuf", "bpf-structs", "bpf-syscall", "jna", "slf4j-api"),
                jars, deps);
        assertTrue(Files.isRegularFile(consumer.resolve("target/classes/module-info.class")));
        assertTrue(Files.isRegularFile(consumer.resolve("target/classes/example/tracer/ForkTracer.class")));
    }
}
