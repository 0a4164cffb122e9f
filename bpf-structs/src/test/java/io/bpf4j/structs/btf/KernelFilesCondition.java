package io.bpf4j.structs.btf;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Decides whether {@link KernelFiles} tests run. */
public final class KernelFilesCondition implements ExecutionCondition {
    private static final String REQUIRE = "BPF4J_REQUIRE_KERNEL";
    /** Where tracefs is mounted on current systems. */
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<KernelFiles> ann = context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, KernelFiles.class));
        if (ann.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @KernelFiles");
        }
        String reason = unavailable(ann.get());
        if (reason == null) {
            return ConditionEvaluationResult.enabled("kernel files present");
        }
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new IllegalStateException("kernel test " + context.getDisplayName() + " cannot run (" + reason
                    + ") but " + REQUIRE + "=1 requires it");
        }
        System.err.println("SKIP kernel test " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    private static String unavailable(KernelFiles need) {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "not Linux";
        }
        if (need.btf() && !Files.isReadable(io.bpf4j.structs.btf.Btf.VMLINUX)) {
            return io.bpf4j.structs.btf.Btf.VMLINUX + " not readable (kernel without CONFIG_DEBUG_INFO_BTF?)";
        }
        if (need.tracefs() && !tracefsMounted()) {
            return "tracefs not mounted at " + TRACEFS + " and mounting it failed (needs root)";
        }
        for (String cmd : need.commands()) {
            if (!onPath(cmd)) {
                return "command '" + cmd + "' not found on PATH (Debian: apt-get install " + cmd + ")";
            }
        }
        return null;
    }

    /** True once tracefs is usable; tries {@code mount -t tracefs} once if it is not. */
    static synchronized boolean tracefsMounted() {
        if (Files.isDirectory(TRACEFS.resolve("events"))) {
            return true;
        }
        try {
            Process p = new ProcessBuilder("mount", "-t", "tracefs", "nodev", TRACEFS.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
        return Files.isDirectory(TRACEFS.resolve("events"));
    }

    private static boolean onPath(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, cmd))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", cmd));
    }
}
