package io.bpf4j.compiler;

import io.bpf4j.compiler.internal.Translator;
import io.bpf4j.core.Program;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.structs.btf.Btf;
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
 * <p>Compiling reads the class file of the method (and of the methods it calls) through the
 * class's loader, and the values of the static map fields it uses. {@link Bpf#currentTask} paths
 * are resolved against the BTF given here, by default the running kernel's.
 */
public final class BpfCompiler {
    private final Supplier<Btf> btf;
    private final Supplier<Architecture> architecture;

    private BpfCompiler(Supplier<Btf> btf, Supplier<Architecture> architecture) {
        this.btf = btf;
        this.architecture = architecture;
    }

    /** A compiler for the host: its architecture and, when a method needs one, the running kernel's BTF. */
    public static BpfCompiler create() {
        return new BpfCompiler(Btf::kernel, Architectures::current);
    }

    /** The same compiler resolving kernel field paths against {@code types} (another kernel's BTF). */
    public BpfCompiler btf(Btf types) {
        if (types == null) {
            throw new IllegalArgumentException("btf: null");
        }
        return new BpfCompiler(() -> types, architecture);
    }

    /** The same compiler for another architecture's {@code pt_regs} layout. */
    public BpfCompiler architecture(Architecture arch) {
        if (arch == null) {
            throw new IllegalArgumentException("architecture: null");
        }
        return new BpfCompiler(btf, () -> arch);
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
        Translator.Result r = new Translator(type, memo(btf), memo(architecture)).translate(method);
        String name = method.length() > 15 ? method.substring(0, 15) : method;
        return new CompiledProgram(name, r.kind(), Program.of(r.instructions(), r.positions()), r.maps(), r.sourceFile(), r.lines(),
                r.stackBytes());
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
