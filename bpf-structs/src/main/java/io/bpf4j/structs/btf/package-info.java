/**
 * The running kernel's types from BTF: {@link io.bpf4j.structs.btf.Btf} parses
 * {@code /sys/kernel/btf/vmlinux} (and module split BTF) lazily; field offsets and pointer chains
 * ({@link io.bpf4j.structs.btf.FieldPath}) become {@code bpf_probe_read_kernel} fragments
 * ({@link io.bpf4j.structs.btf.FieldPathReads}); kernel structs become
 * {@link io.bpf4j.structs.StructLayout}s ({@link io.bpf4j.structs.btf.BtfLayouts}); functions give
 * their signatures ({@link io.bpf4j.structs.btf.FunctionSignature}). Reading the file is the only
 * I/O; every problem in the data is a {@link io.bpf4j.structs.btf.BtfFormatException} with its
 * byte offset.
 *
 * <pre>{@code
 * Btf btf = Btf.kernel();
 * FieldPath ppid = btf.path("task_struct.real_parent->tgid");
 * Program p = Program.builder()
 *         .append(FieldPathReads.readCurrentTask(ppid, Reg.R7, -8))   // r7 = parent's pid
 *         .mov64(Reg.R0, 0).exit()
 *         .build();
 * }</pre>
 */
package io.bpf4j.structs.btf;
