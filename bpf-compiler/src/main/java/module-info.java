/**
 * Compiles restricted static Java methods to BPF: the method's bytecode is read with OW2 ASM,
 * helpers are intrinsics ({@link io.bpf4j.compiler.Bpf}), maps are typed static fields, records
 * are structs laid out by bpf-structs, and the same method runs on the JVM for unit tests.
 *
 * <pre>{@code
 * CompiledProgram p = BpfCompiler.create().compile(MyProbe.class, "onExec");
 * p.program();    // a bpf-core Program; loading it is the caller's (bpf-syscall)
 * }</pre>
 */
module io.bpf4j.compiler {
    requires transitive io.bpf4j.core;
    requires transitive io.bpf4j.structs;
    requires org.objectweb.asm;
    requires org.objectweb.asm.tree;

    exports io.bpf4j.compiler;
}
