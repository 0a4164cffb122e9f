package io.bpf4j.compiler;

import io.bpf4j.compiler.internal.Translator;
import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.ByteSwap;
import io.bpf4j.core.Disassembler;
import io.bpf4j.core.EndianInsn;
import io.bpf4j.core.GotoInsn;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Program;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.structs.btf.Btf;
import java.util.List;
import java.util.function.Supplier;

/**
 * Compiles a static Java method to a BPF program. The method's single parameter is its context and
 * picks the program type ({@link ProgramKind}); it may use locals, int and long arithmetic
 * (unsigned forms through {@code Integer}/{@code Long}), if/switch/ternaries, loops with a constant
 * bound, other static methods (inlined), records and arrays on the BPF stack, the helpers in
 * {@link Bpf}, and map fields ({@link LongHashMap}, {@link LongArrayMap}, {@link RingBuffer}).
 * Anything else is refused with a {@link CompileException} naming {@code File.java:line}.
 *
 * <pre>{@code
 * static final LongHashMap EXECS = LongHashMap.of("execs_by_uid", 4, 10240);
 *
 * static int onExec(TracepointContext ctx) {
 *     EXECS.add(Bpf.currentUid(), 1);
 *     return 0;
 * }
 *
 * CompiledProgram p = BpfCompiler.create().compile(ExecCounter.class, "onExec");
 * // load with bpf-syscall: BpfProgram.load(ProgramSpec.tracepoint(p.name(), p.program()).maps(...))
 * }</pre>
 *
 * <p>By default the program uses only what Linux 6.1 verifies ({@link Target#PORTABLE});
 * {@link #target(Target)} allows cpu v4 where the kernel has it.
 *
 * <p>Compiling reads the class file of the method (and of the methods it calls) through the
 * class's loader, and the values of the static map fields it uses. {@link Bpf#currentTask} paths
 * are resolved against the BTF given here, by default the running kernel's.
 */
public final class BpfCompiler {
    private final Supplier<Btf> btf;
    private final Supplier<Architecture> architecture;
    private final Target target;

    private BpfCompiler(Supplier<Btf> btf, Supplier<Architecture> architecture, Target target) {
        this.btf = btf;
        this.architecture = architecture;
        this.target = target;
    }

    /** A compiler for the host: its architecture and, when a method needs one, the running kernel's BTF. */
    public static BpfCompiler create() {
        return new BpfCompiler(Btf::kernel, Architectures::current, Target.PORTABLE);
    }

    /** The same compiler resolving kernel field paths against {@code types} (another kernel's BTF). */
    public BpfCompiler btf(Btf types) {
        if (types == null) {
            throw new IllegalArgumentException("btf: null");
        }
        return new BpfCompiler(() -> types, architecture, target);
    }

    /** The same compiler for another architecture's {@code pt_regs} layout. */
    public BpfCompiler architecture(Architecture arch) {
        if (arch == null) {
            throw new IllegalArgumentException("architecture: null");
        }
        return new BpfCompiler(btf, () -> arch, target);
    }

    /** The same compiler for another instruction set (default {@link Target#PORTABLE}: Linux 6.1's). */
    public BpfCompiler target(Target set) {
        if (set == null) {
            throw new IllegalArgumentException("target: null");
        }
        return new BpfCompiler(btf, architecture, set);
    }

    /**
     * Compiles {@code type.method}.
     *
     * @throws CompileException for a construct BPF cannot express, with the file and line
     * @throws IllegalArgumentException if the method does not exist
     */
    public CompiledProgram compile(Class<?> type, String method) {
        if (type == null || method == null) {
            throw new IllegalArgumentException("compile: type and method are required");
        }
        Translator.Result r = new Translator(type, memo(btf), memo(architecture), target == Target.CPU_V4).translate(method);
        String name = method.length() > 15 ? method.substring(0, 15) : method;
        Program program = Program.of(r.instructions(), r.positions());
        if (target == Target.PORTABLE) {
            portable(program, r);
        }
        return new CompiledProgram(name, r.kind(), program, r.maps(), r.sourceFile(), r.lines(), r.stackBytes());
    }

    /**
     * Keeps a portable program portable: no cpu v4 instruction (a compiler bug if one slipped in),
     * and no jump the assembler would have to widen to {@code gotol}.
     */
    private static void portable(Program program, Translator.Result r) {
        List<Instruction> insns = program.instructions();
        for (int i = 0; i < insns.size(); i++) {
            String v4 = cpuV4(insns.get(i));
            if (v4 != null) {
                throw new IllegalStateException("compiler bug: " + v4 + " (cpu v4) in a portable program at "
                        + r.sourceFile() + ":" + r.lines().get(i) + ": " + Disassembler.format(insns.get(i)));
            }
        }
        if (program.slotCount() > Short.MAX_VALUE) {
            // A jump may then span more than 16 bits: only gotol (cpu v4, Linux 6.6) reaches that far.
            throw new CompileException(r.sourceFile(), r.lines().isEmpty() ? -1 : r.lines().get(0), "a program of "
                    + program.slotCount() + " instructions", "its jumps may span more than 32767 instructions, which"
                    + " needs gotol (cpu v4, Linux 6.6): split the work (Bpf.loop bodies are checked once), or compile"
                    + " with target(Target.CPU_V4) where the kernel has it");
        }
    }

    /** What makes {@code in} a cpu v4 instruction, or null if Linux 6.1 knows it. */
    static String cpuV4(Instruction in) {
        if (in instanceof AluInsn) {
            AluOp op = ((AluInsn) in).op();
            if (op.isMovsx() || op == AluOp.SDIV || op == AluOp.SMOD) {
                return op.name().toLowerCase(java.util.Locale.ROOT);
            }
        } else if (in instanceof LoadInsn && ((LoadInsn) in).signExtend()) {
            return "a sign-extending load";
        } else if (in instanceof EndianInsn && ((EndianInsn) in).op() == ByteSwap.BSWAP) {
            return "bswap";
        } else if (in instanceof GotoInsn && ((GotoInsn) in).wide()) {
            return "gotol";
        } else if (in.kind() == Instruction.Kind.MAY_GOTO) {
            return "may_goto";
        } else if (in.kind() == Instruction.Kind.ADDR_SPACE_CAST) {
            return "addr_space_cast";
        }
        return null;
    }

    private static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }
}
