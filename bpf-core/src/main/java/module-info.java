/**
 * The eBPF instruction set, assembler, disassembler, helper catalogue and the
 * {@link io.bpf4j.core.arch.Architecture} plugin interface.
 */
module io.bpf4j.core {
    exports io.bpf4j.core;
    exports io.bpf4j.core.arch;
    uses io.bpf4j.core.arch.Architecture;
}
