/**
 * The {@code arm64} architecture plugin: {@link io.bpf4j.arch.arm64.Arm64} gives bpf-core the kernel's
 * {@code struct pt_regs} offsets for this CPU family. It is found through {@link java.util.ServiceLoader};
 * applications put the artifact on the path and never name the class.
 *
 * <pre>{@code
 * Architecture a = Architectures.byName("arm64").orElseThrow();
 * a.returnValueOffset();
 * }</pre>
 */
package io.bpf4j.arch.arm64;
