/**
 * The eBPF instruction set, assembler, disassembler, helper catalogue and the
 * {@link io.bpf4j.core.arch.Architecture} plugin interface.
 */
module io.bpf4j.core {
    exports io.bpf4j.core;
    exports io.bpf4j.core.arch;
    exports io.bpf4j.core.attach;
    uses io.bpf4j.core.arch.Architecture;
}
