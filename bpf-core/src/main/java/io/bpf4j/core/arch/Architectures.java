package io.bpf4j.core.arch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds {@link Architecture} plugins with {@link ServiceLoader} (module path or
 * {@code META-INF/services}). Never falls back silently: no match is an error that names
 * {@code os.arch}, the plugins found and the artifact to add. The system property
 * {@code bpf4j.arch} forces a choice.
 *
 * <pre>{@code
 * Architecture host = Architectures.current();
 * Architecture arm = Architectures.byName("aarch64").orElseThrow();
 * }</pre>
 */
public final class Architectures {
    /** System property that overrides {@code os.arch} for {@link #current()}. */
    public static final String PROPERTY = "bpf4j.arch";

    private static volatile List<Architecture> cached;

    private Architectures() {
    }

    /** Every plugin found, in discovery order. */
    public static List<Architecture> available() {
        List<Architecture> all = cached;
        if (all == null) {
            List<Architecture> found = new ArrayList<>();
            ServiceLoader.load(Architecture.class, Architectures.class.getClassLoader()).forEach(found::add);
            if (found.isEmpty()) {
                ServiceLoader.load(Architecture.class).forEach(found::add);
            }
            all = Collections.unmodifiableList(found);
            cached = all;
        }
        return all;
    }

    /** The plugin whose name or aliases include {@code name} (case-insensitive). */
    public static Optional<Architecture> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Architecture a : available()) {
            if (a.name().equalsIgnoreCase(n) || a.aliases().contains(n)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * The plugin for this JVM's {@code os.arch} (or {@code -Dbpf4j.arch}).
     *
     * @throws IllegalStateException naming {@code os.arch}, the plugins found and the artifact to add
     */
    public static Architecture current() {
        String forced = System.getProperty(PROPERTY);
        String osArch = System.getProperty("os.arch", "unknown");
        String arch = forced != null ? forced : osArch;
        return byName(arch).orElseThrow(() -> new IllegalStateException(
                "no bpf4j architecture plugin for " + (forced != null
                        ? "-D" + PROPERTY + "=" + forced + " (os.arch=" + osArch + ")"
                        : "os.arch=" + osArch)
                        + "; plugins found: " + describe(available())
                        + "; add the artifact io.bpf4j:" + artifactFor(arch)
                        + " to the class or module path, or write a plugin (docs/architecture-plugins.md)"));
    }

    private static String describe(List<Architecture> list) {
        return list.isEmpty() ? "none" : list.stream()
                .map(a -> a.name() + " (aliases " + String.join(", ", new java.util.TreeSet<>(a.aliases())) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String artifactFor(String arch) {
        switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return "bpf-arch-x86";
            case "aarch64":
            case "arm64":
                return "bpf-arch-arm64";
            default:
                return "bpf-arch-" + arch.toLowerCase(Locale.ROOT);
        }
    }
}
