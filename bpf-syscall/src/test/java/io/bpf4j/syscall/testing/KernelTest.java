package io.bpf4j.syscall.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that needs a usable {@code bpf()} syscall. Where the process
 * lacks the privilege, the test is skipped with the reason printed; under
 * {@code BPF4J_REQUIRE_KERNEL=1} (set by {@code .ci/run}) it fails instead.
 *
 * <pre>{@code
 * @KernelTest
 * class RingBufferKernelTest { ... }
 * }</pre>
 *
 * Shared with other modules through bpf-syscall's test-jar.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
@ExtendWith(KernelCondition.class)
public @interface KernelTest {
}
