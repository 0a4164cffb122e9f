package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;

/**
 * What a {@link BpfLink} is attached to.
 *
 * <pre>{@code
 * LinkInfo i = link.info();
 * i.target();       // kprobe:do_execveat_common
 * i.attachedTo();   // "kprobe do_execveat_common.isra.0 (kprobe PMU)"
 * i.linkId();       // 42, as bpftool link shows it; -1 without a BPF link
 * i.symbol();       // "do_execveat_common.isra.0"
 * }</pre>
 *
 * @param target the attach point the program was asked to go to
 * @param attachedTo where it went, resolved: the kernel symbol, file and offset, tracepoint id, CPUs
 * @param linkId the kernel's id of the BPF link ({@code bpftool link}), or -1 where there is none
 * @param perfEvents the number of perf events behind the attachment (0 for raw tracepoints)
 * @param symbol the function symbol actually probed ({@code do_execveat_common.isra.0} for
 *               {@code kprobe:do_execveat_common} where the compiler cloned it), or null for
 *               points that are not functions
 */
public record LinkInfo(AttachPoint target, String attachedTo, int linkId, int perfEvents, String symbol) {
    /** True when the probed symbol is not the name the target gave (a compiler clone was found). */
    public boolean resolvedToAnotherName() {
        return symbol != null && !target.toString().endsWith(":" + symbol);
    }
}
