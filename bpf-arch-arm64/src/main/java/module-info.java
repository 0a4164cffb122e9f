/** arm64 pt_regs layout for bpf4j, found through {@link io.bpf4j.core.arch.Architecture}. */
module io.bpf4j.arch.arm64 {
    requires io.bpf4j.core;
    exports io.bpf4j.arch.arm64;
    provides io.bpf4j.core.arch.Architecture with io.bpf4j.arch.arm64.Arm64;
}
