/**
 * What a program is and where it goes, shared by the program builders and the kernel side:
 * the kernel's program and attach types ({@link io.bpf4j.core.attach.ProgramType},
 * {@link io.bpf4j.core.attach.AttachType}), the sealed {@link io.bpf4j.core.attach.AttachPoint}
 * (one record per attach family) and {@link io.bpf4j.core.attach.AttachableProgram}.
 *
 * <pre>{@code
 * AttachPoint p = AttachPoint.kretprobe("do_execveat_common");
 * p.kind();          // KRETPROBE
 * p.programType();   // KPROBE
 * }</pre>
 */
package io.bpf4j.core.attach;
