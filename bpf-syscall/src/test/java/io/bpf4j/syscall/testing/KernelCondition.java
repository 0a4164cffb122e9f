package io.bpf4j.syscall.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether {@link KernelTest}s run: they need Linux and CAP_BPF (or CAP_SYS_ADMIN, or
 * root). A skip prints its reason; {@code BPF4J_REQUIRE_KERNEL=1} turns it into a failure.
 */
public final class KernelCondition implements ExecutionCondition {
    private static final String REQUIRE = "BPF4J_REQUIRE_KERNEL";
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_BPF = 39;

    /** Why kernel tests cannot run here, or null if they can. */
    public static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "not Linux (os.name=" + System.getProperty("os.name") + ")";
        }
        long caps;
        try {
            caps = effectiveCapabilities();
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e.getMessage();
        }
        if ((caps & (1L << CAP_BPF)) == 0 && (caps & (1L << CAP_SYS_ADMIN)) == 0) {
            return "needs root or CAP_BPF + CAP_PERFMON (effective capabilities 0x" + Long.toHexString(caps) + ")";
        }
        return null;
    }

    private static long effectiveCapabilities() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
        for (String line : lines) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        throw new IOException("no CapEff line");
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
