package io.bpf4j.examples;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./bpf4j bench}: runs the JMH benchmarks of {@code bpf-bench} (building
 * {@code bpf-bench/target/benchmarks.jar} first if it is missing), or with {@code --compare} the
 * side-by-side comparison with libbpf ({@code bpf-bench/compare.sh}). Needs a source checkout:
 * the benchmarks are not part of the tools' own class path.
 *
 * <pre>{@code
 * ./bpf4j bench                         # every benchmark
 * ./bpf4j bench Assemble -- -prof gc    # JMH filter, then JMH options after --
 * ./bpf4j bench --compare               # libbpf vs bpf4j table, bpf-bench/target/compare.json
 * }</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs the JMH benchmarks (bpf-bench), or with --compare the side-by-side comparison with libbpf.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILTER",
            description = "JMH benchmark filter (a regular expression), e.g. Assemble or RingBufDrain")
    String filter;

    @Parameters(index = "1..*", paramLabel = "JMH-OPTION", description = "further JMH options, after --")
    List<String> jmhOptions = new ArrayList<>();

    @Option(names = "--compare", description = "run bpf-bench/compare.sh: libbpf and bpf4j alternately, one table")
    boolean compare;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path root = checkout();
        if (root == null) {
            System.err.println("bpf4j bench: needs the bpf4j source checkout (bpf-bench/compare.sh not found above "
                    + Path.of("").toAbsolutePath() + "); run it from the checkout");
            return 2;
        }
        if (compare) {
            return run(root, List.of("bash", root.resolve("bpf-bench/compare.sh").toString()));
        }
        Path jar = root.resolve("bpf-bench/target/benchmarks.jar");
        if (stale(root, jar)) {
            System.err.println("bpf4j bench: building " + root.relativize(jar) + " (./mvnw package -pl bpf-bench -am)...");
            int built = run(root, List.of(root.resolve("mvnw").toString(), "-q", "-B", "-DskipTests", "package",
                    "-pl", "bpf-bench", "-am"));
            if (built != 0) {
                return built;
            }
        }
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString()));
        if (filter != null) {
            cmd.add(filter);
        }
        cmd.addAll(jmhOptions);
        return run(root, cmd);
    }

    /** True if the jar is missing or older than a source file or pom of the checkout. */
    private static boolean stale(Path root, Path jar) throws IOException {
        if (!Files.exists(jar)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.toString().contains(File.separator + "target" + File.separator)
                            && !p.toString().contains(File.separator + ".git" + File.separator))
                    .filter(p -> p.toString().endsWith(".java") || p.getFileName().toString().equals("pom.xml"))
                    .anyMatch(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(built) > 0;
                        } catch (IOException e) {
                            return true;
                        }
                    });
        }
    }

    private static int run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        return new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The checkout: above the tools' jar (bpf-examples/target/…), else above the working directory. */
    private static Path checkout() {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source (e.g. a custom image): fall back to the working directory
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                if (new File(p.toFile(), "bpf-bench" + File.separator + "compare.sh").isFile()) {
                    return p;
                }
            }
        }
        return null;
    }
}
