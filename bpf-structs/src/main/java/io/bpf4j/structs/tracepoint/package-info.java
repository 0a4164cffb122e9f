/**
 * Tracepoint context records from their tracefs {@code format} files:
 * {@link io.bpf4j.structs.tracepoint.TracepointFormat} parses one (text or path) with the kernel's
 * offsets, {@link io.bpf4j.structs.tracepoint.TracepointReads} generates the context reads
 * (including {@code __data_loc} strings through {@code bpf_probe_read_kernel_str}), and
 * {@link io.bpf4j.structs.tracepoint.DataLoc} decodes them on the Java side. Finding the file
 * under a mounted tracefs is bpf-syscall's business.
 *
 * <pre>{@code
 * TracepointFormat exec = TracepointFormat.load(
 *         Path.of("/sys/kernel/tracing/events/sched/sched_process_exec/format"));
 * List<Instruction> copy = TracepointReads.readDataLocString(exec.field("filename"), Reg.R6, Reg.R7, 24, 256);
 * }</pre>
 */
package io.bpf4j.structs.tracepoint;
