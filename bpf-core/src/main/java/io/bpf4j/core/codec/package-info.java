/**
 * {@link io.bpf4j.core.codec.Codec}: the one interface between Java values and the fixed-size
 * bytes the kernel shares with a program (map keys and values, ring-buffer records, contexts).
 * bpf-structs implements it for struct layouts and records; bpf-syscall's typed maps consume it.
 *
 * <pre>{@code
 * Codec<Integer> pid = Codec.u32();
 * pid.decode(pid.encode(4242));          // 4242
 * }</pre>
 */
package io.bpf4j.core.codec;
