/**
 * The {@code x86} architecture plugin: {@link io.bpf4j.arch.x86.X86_64} gives bpf-core the kernel's
 * {@code struct pt_regs} offsets for this CPU family. It is found through {@link java.util.ServiceLoader};
 * applications put the artifact on the path and never name the class.
 *
 * <pre>{@code
 * Architecture a = Architectures.byName("x86_64").orElseThrow();
 * a.returnValueOffset();
 * }</pre>
 */
package io.bpf4j.arch.x86;
