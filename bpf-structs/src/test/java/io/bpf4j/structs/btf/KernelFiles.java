package io.bpf4j.structs.btf;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that reads the running kernel's files (its BTF, tracefs). bpf-structs makes no
 * system calls, so instead of bpf-syscall's {@code @KernelTest} (whose test-jar would tie the
 * modules together) this checks that the files exist: a skip prints its reason, and
 * {@code BPF4J_REQUIRE_KERNEL=1} (set by {@code .ci/run}) turns it into a failure.
 *
 * <pre>{@code
 * @KernelFiles(btf = true)
 * class KernelBtfTest { ... }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
@ExtendWith(KernelFilesCondition.class)
public @interface KernelFiles {
    /** Needs {@code /sys/kernel/btf/vmlinux}. */
    boolean btf() default false;

    /** Needs tracefs (mounted at {@code /sys/kernel/tracing}; mounted by the condition if root can). */
    boolean tracefs() default false;

    /** Needs these commands on the PATH (e.g. {@code bpftool}). */
    String[] commands() default {};
}
