package io.bpf4j.kprobe;

import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.btf.FunctionSignature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where argument names come from, so a probe can say {@code .arg("filename", R7)} instead of an
 * index: the kernel's BTF for kernel functions, or a table for anything else.
 *
 * <pre>{@code
 * ParameterNames names = ParameterNames.of(Map.of("six", List.of("a", "b", "c", "d", "e", "f")));
 * names.parameters("six");   // Optional[[a, b, c, d, e, f]]
 * ParameterNames.kernel().parameters("do_filp_open");   // Optional[[dfd, pathname, op]]
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

    /** Names from BTF: the {@code FUNC_PROTO} of each {@code FUNC}. Functions the compiler inlined have none. */
    static ParameterNames fromBtf(Btf btf) {
        if (btf == null) {
            throw new IllegalArgumentException("BTF missing");
        }
        return function -> btf.function(function).map(ParameterNames::names);
    }

    /** Names from the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}), read on first use. */
    static ParameterNames kernel() {
        return function -> Btf.kernel().function(function).map(ParameterNames::names);
    }

    private static List<String> names(FunctionSignature sig) {
        return sig.parameters().stream().map(FunctionSignature.Parameter::name).collect(Collectors.toList());
    }
}
