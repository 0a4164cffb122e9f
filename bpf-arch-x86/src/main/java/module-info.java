/** x86_64 pt_regs layout for bpf4j, found through {@link io.bpf4j.core.arch.Architecture}. */
module io.bpf4j.arch.x86 {
    requires io.bpf4j.core;
    exports io.bpf4j.arch.x86;
    provides io.bpf4j.core.arch.Architecture with io.bpf4j.arch.x86.X86_64;
}
