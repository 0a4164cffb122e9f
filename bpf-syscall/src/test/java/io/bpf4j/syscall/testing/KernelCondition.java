package io.bpf4j.syscall.testing;

import io.bpf4j.syscall.Privileges;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether {@link KernelTest}s run: they need what {@link Privileges#missingForTracing()}
 * checks (Linux, and root or CAP_BPF + CAP_PERFMON). A skip prints its reason;
 * {@code BPF4J_REQUIRE_KERNEL=1} turns it into a failure.
 */
public final class KernelCondition implements ExecutionCondition {
    private static final String REQUIRE = "BPF4J_REQUIRE_KERNEL";

    /** Why kernel tests cannot run here, or null if they can. */
    public static String unavailableReason() {
        return Privileges.missingForTracing().orElse(null);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = unavailableReason();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("bpf() usable");
        }
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new IllegalStateException("kernel test " + context.getDisplayName() + " cannot run (" + reason
                    + ") but " + REQUIRE + "=1 requires it");
        }
        System.err.println("SKIP kernel test " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }
}
