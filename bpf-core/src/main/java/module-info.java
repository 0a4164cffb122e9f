/**
 * The eBPF instruction set, assembler, disassembler, helper catalogue, the
 * {@link io.bpf4j.core.arch.Architecture} plugin interface, the attach vocabulary and the
 * {@link io.bpf4j.core.codec.Codec} between Java values and bytes.
 */
// "module": the qualified export below names a module built after this one (javac warns it is not found).
@SuppressWarnings("module")
module io.bpf4j.core {
    exports io.bpf4j.core;
    exports io.bpf4j.core.arch;
    exports io.bpf4j.core.attach;
    exports io.bpf4j.core.codec;
    // "did you mean" hints: shared with the modules that name things users misspell, not public API
    exports io.bpf4j.core.internal to io.bpf4j.structs;
    uses io.bpf4j.core.arch.Architecture;
}
