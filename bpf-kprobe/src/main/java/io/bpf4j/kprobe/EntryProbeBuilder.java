package io.bpf4j.kprobe;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.attach.AttachKind;
import io.bpf4j.core.attach.AttachPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a probe on a function's entry (kprobe, uprobe, syscall probe): which arguments go into
 * which registers, by index ({@link #args}, {@link #arg(int, Reg)}) or by name
 * ({@link #arg(String, Reg)}, resolved through {@link ParameterNames}); the lab's
 * {@code defkprobe-instructions}.
 *
 * <pre>{@code
 * ProbeProgram p = Kprobe.entry("do_execveat_common")
 *         .parameterNames(ParameterNames.of(Map.of("do_execveat_common",
 *                 List.of("fd", "filename", "argv", "envp", "flags"))))
 *         .arg("filename", Reg.R7)                 // same as .arg(1, Reg.R7)
 *         .body(b -> b.mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 */
@EmitsInstructions
public final class EntryProbeBuilder extends ProbeBuilder<EntryProbeBuilder> {
    private final String function;
    private final boolean syscall;
    /** One requested argument: by index, or by name (index -1) resolved at build time. */
    private record ArgRequest(int index, String name, Reg reg) {
    }

    private final List<ArgRequest> args = new ArrayList<>();
    private ParameterNames names;

    EntryProbeBuilder(AttachPoint target, String function, boolean syscall) {
        super(target, function);
        this.function = function;
        this.syscall = syscall;
    }

    /** Argument 0 into {@code argRegs[0]}, argument 1 into {@code argRegs[1]}, and so on. */
    public EntryProbeBuilder args(Reg... argRegs) {
        if (argRegs == null) {
            throw new IllegalArgumentException("argument registers missing");
        }
        for (int i = 0; i < argRegs.length; i++) {
            arg(i, argRegs[i]);
        }
        return this;
    }

    /** Argument {@code index} (0-based) into {@code reg}. */
    public EntryProbeBuilder arg(int index, Reg reg) {
        if (index < 0) {
            throw new IllegalArgumentException("argument index " + index + " is negative: expected 0 or more");
        }
        args.add(new ArgRequest(index, null, reg));
        return this;
    }

    /** The argument called {@code name} into {@code reg}; the name is resolved when the program is built. */
    public EntryProbeBuilder arg(String name, Reg reg) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("argument name missing");
        }
        args.add(new ArgRequest(-1, name, reg));
        return this;
    }

    /** Where argument names come from (for kernel functions, usually the kernel's BTF). */
    public EntryProbeBuilder parameterNames(ParameterNames names) {
        if (names == null) {
            throw new IllegalArgumentException("parameter names missing");
        }
        this.names = names;
        return this;
    }

    /** The argument index to register mapping, names resolved, in the order given. */
    public Map<Integer, Reg> resolvedArgs() {
        Map<Integer, Reg> out = new LinkedHashMap<>();
        List<String> params = null;
        for (ArgRequest a : args) {
            int index = a.index();
            if (a.name() != null) {
                if (params == null) {
                    params = parameters();
                }
                index = params.indexOf(a.name());
                if (index < 0) {
                    throw new IllegalArgumentException(describe() + " has no parameter '" + a.name() + "': its parameters are "
                            + params);
                }
            }
            Reg reg = a.reg();
            Reg before = out.put(index, reg);
            if (before != null) {
                throw new IllegalArgumentException(describe() + ": argument " + index + " is mapped twice, to " + before + " and to " + reg);
            }
        }
        return out;
    }

    private List<String> parameters() {
        ParameterNames source = names;
        String from = "the parameter names given";
        if (source == null && target.kind() == AttachKind.KPROBE && !syscall) {
            source = ParameterNames.kernel();
            from = "the kernel's BTF";
        } else if (source == null && syscall) {
            source = SyscallProbe::parameterNames;
            from = "the syscalls/sys_enter_" + function + " tracepoint format";
        }
        if (source == null) {
            throw new IllegalArgumentException(describe() + ": arguments are named but no parameter names are known;"
                    + " pass .parameterNames(...) (ParameterNames.of(table)) or use indices");
        }
        Optional<List<String>> p = source.parameters(function);
        String where = from;
        return p.orElseThrow(() -> new IllegalArgumentException(describe() + ": " + where + " does not describe '" + function
                + "' (the compiler may have inlined it, or the name is wrong); use indices"));
    }

    private String describe() {
        return (syscall ? "syscall " : "function ") + function;
    }

    @Override
    List<Instruction> prologue(Architecture a) {
        Map<Integer, Reg> map = resolvedArgs();
        return syscall ? Prologue.syscall(a, context, Memory.KERNEL, map) : Prologue.of(a, context, map);
    }
}
