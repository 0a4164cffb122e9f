/**
 * The architecture plugin interface: where the kernel's {@code struct pt_regs} keeps function
 * arguments, the return value and the stack, instruction and frame pointers on one CPU family,
 * and the syscall wrapper prefix. Plugins ({@code bpf-arch-x86}, {@code bpf-arch-arm64}, or your
 * own) are found with {@link java.util.ServiceLoader}; {@link io.bpf4j.core.arch.Architectures}
 * picks the host's and never falls back silently.
 *
 * <pre>{@code
 * Architecture host = Architectures.current();          // from os.arch, or -Dbpf4j.arch=...
 * int arg1 = host.argOffset(1);                         // 104 on x86_64 (si), 8 on arm64 (regs[1])
 * Architecture arm = Architectures.byName("aarch64").orElseThrow();
 * }</pre>
 */
package io.bpf4j.core.arch;
