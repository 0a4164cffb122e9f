/**
 * The kernel side of bpf4j: maps ({@link io.bpf4j.syscall.BpfMap} from a
 * {@link io.bpf4j.syscall.MapSpec}), programs ({@link io.bpf4j.syscall.BpfProgram} from a
 * {@link io.bpf4j.syscall.ProgramSpec}, with {@link io.bpf4j.syscall.VerifierException} when the
 * verifier refuses), attachments ({@link io.bpf4j.syscall.BpfLink}), pinning
 * ({@link io.bpf4j.syscall.Bpffs}), tracefs ({@link io.bpf4j.syscall.Tracefs}) and feature probing
 * ({@link io.bpf4j.syscall.Features}). Every system call goes through
 * {@link io.bpf4j.syscall.Kernel}; errors are {@link io.bpf4j.syscall.BpfException}s with a named
 * {@link io.bpf4j.syscall.Errno} and a hint.
 *
 * <pre>{@code
 * try (BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1));
 *      BpfProgram prog = BpfProgram.load(ProgramSpec.tracepoint("count", program).license("GPL").maps(counts));
 *      BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid")) {
 *     ...
 * }
 * }</pre>
 */
package io.bpf4j.syscall;
