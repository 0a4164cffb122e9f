package io.bpf4j.kprobe;

import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.structs.tracepoint.TracepointField;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kprobes on a system call's wrapper ({@code __x64_sys_execve}, {@code __arm64_sys_execve}).
 * The wrapper's only argument is the user {@code struct pt_regs *} saved at syscall entry, so the
 * arguments are read through it (see {@link Prologue#syscall}), at the architecture's syscall
 * argument offsets (on x86_64 argument 3 is r10, not cx).
 *
 * <pre>{@code
 * ProbeProgram p = SyscallProbe.entry(Architectures.current(), "openat")
 *         .args(Reg.R6, Reg.R7)                    // dfd, filename (a user pointer)
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * p.target();   // kprobe:__x64_sys_openat on x86_64
 * }</pre>
 */
public final class SyscallProbe {
    private SyscallProbe() {
    }

    /** {@link #entry(Architecture, String)} for the host. */
    public static EntryProbeBuilder entry(String syscall) {
        return entry(Architectures.current(), syscall);
    }

    /** A kprobe on the entry of the wrapper of {@code syscall} ({@code "execve"}) on {@code arch}. */
    public static EntryProbeBuilder entry(Architecture arch, String syscall) {
        Names.checkSymbol(syscall, "system call");
        String fn = arch.syscallFunction(syscall);
        return new EntryProbeBuilder(AttachPoint.kprobe(fn), syscall, true).arch(arch);
    }

    /** A kretprobe on the wrapper of {@code syscall}: the return value is the syscall's result. */
    public static ReturnProbeBuilder ret(Architecture arch, String syscall) {
        Names.checkSymbol(syscall, "system call");
        String fn = arch.syscallFunction(syscall);
        return new ReturnProbeBuilder(AttachPoint.kretprobe(fn), syscall).arch(arch);
    }

    /**
     * A syscall's parameter names from its {@code syscalls/sys_enter_<name>} tracepoint format
     * ({@code filename, argv, envp} for execve), or empty when tracefs has no such event.
     */
    static Optional<List<String>> parameterNames(String syscall) {
        TracepointFormat f;
        try {
            f = TracepointProbe.load("syscalls", "sys_enter_" + syscall);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (TracepointField field : f.eventFields()) {
            if (!field.name().equals("__syscall_nr")) {
                names.add(field.name());
            }
        }
        return Optional.of(names);
    }
}
