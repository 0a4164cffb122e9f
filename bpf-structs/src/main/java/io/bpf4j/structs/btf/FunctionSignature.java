package io.bpf4j.structs.btf;

import java.util.List;
import java.util.Optional;

/**
 * A kernel function's signature from BTF (its FUNC and FUNC_PROTO records), so a probe can name
 * the argument it reads and check its type.
 *
 * <pre>{@code
 * FunctionSignature f = Btf.kernel().function("do_filp_open").orElseThrow();
 * f.parameter("pathname").orElseThrow().index();     // 1: the second argument register
 * f.parameter("pathname").orElseThrow().typeName();  // "struct filename *"
 * }</pre>
 *
 * @param name the function's name
 * @param funcId BTF id of the FUNC record
 * @param returnType BTF id of the return type (0: void)
 * @param returnTypeName C spelling of the return type
 * @param parameters the parameters in order (a variadic function ends with one of type 0 named "")
 */
public record FunctionSignature(String name, int funcId, int returnType, String returnTypeName,
                                List<Parameter> parameters) {

    public FunctionSignature {
        parameters = List.copyOf(parameters);
    }

    /**
     * One parameter.
     *
     * @param index position, 0 for the first argument
     * @param name the parameter's name ("" if BTF has none)
     * @param type BTF id of its type (0 for the "..." of a variadic function)
     * @param typeName C spelling of its type
     */
    public record Parameter(int index, String name, int type, String typeName) {
    }

    /** The parameter called {@code name}. */
    public Optional<Parameter> parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The C declaration: {@code struct file *do_filp_open(int dfd, struct filename *pathname, ...)}. */
    public String declaration() {
        StringBuilder sb = new StringBuilder(returnTypeName);
        if (!returnTypeName.endsWith("*")) {
            sb.append(' ');
        }
        sb.append(name).append('(');
        for (Parameter p : parameters) {
            if (p.index() > 0) {
                sb.append(", ");
            }
            if (p.type() == 0) {
                sb.append("...");
            } else {
                sb.append(p.typeName());
                if (!p.name().isEmpty()) {
                    sb.append(p.typeName().endsWith("*") ? "" : " ").append(p.name());
                }
            }
        }
        if (parameters.isEmpty()) {
            sb.append("void");
        }
        return sb.append(')').toString();
    }
}
