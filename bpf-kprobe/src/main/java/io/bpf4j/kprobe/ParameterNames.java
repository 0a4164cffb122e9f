package io.bpf4j.kprobe;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where argument names come from, so a probe can say {@code .arg("filename", R7)} instead of an
 * index: the kernel's BTF for kernel functions, or a table for anything else.
 *
 * <pre>{@code
 * ParameterNames names = ParameterNames.of(Map.of("six", List.of("a", "b", "c", "d", "e", "f")));
 * names.parameters("six");   // Optional[[a, b, c, d, e, f]]
 * }</pre>
 */
@FunctionalInterface
public interface ParameterNames {
    /** The parameter names of {@code function} in order, or empty when this source does not know it. */
    Optional<List<String>> parameters(String function);

    /** A fixed table. */
    static ParameterNames of(Map<String, List<String>> table) {
        Map<String, List<String>> copy = Map.copyOf(table);
        return function -> Optional.ofNullable(copy.get(function));
    }
}
