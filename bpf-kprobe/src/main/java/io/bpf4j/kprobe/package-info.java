/**
 * Probe program builders: {@link io.bpf4j.kprobe.Kprobe}, {@link io.bpf4j.kprobe.Uprobe},
 * {@link io.bpf4j.kprobe.SyscallProbe}, {@link io.bpf4j.kprobe.TracepointProbe} and
 * {@link io.bpf4j.kprobe.RawTracepointProbe} generate the prologue (the context saved, arguments
 * loaded from the architecture's {@code pt_regs} offsets or the tracepoint's format) and return a
 * {@link io.bpf4j.kprobe.ProbeProgram} that knows where it attaches. Pure functions of their
 * inputs: loading and attaching is bpf-syscall's work.
 *
 * <pre>{@code
 * ProbeProgram p = Kprobe.entry("do_execveat_common")
 *         .arg(1, Reg.R7)                                // filename in r7
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * try (BpfProgram prog = BpfProgram.load(ProgramSpec.of(p).license("GPL"));
 *      BpfLink link = prog.attach()) { ... }
 * }</pre>
 */
package io.bpf4j.kprobe;
