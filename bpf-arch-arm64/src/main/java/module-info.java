/** arm64 pt_regs layout for bpf4j, found through {@link io.bpf4j.core.arch.Architecture}. */
// The module names follow the architectures' own names (x86, arm64): their digits are not versions.
@SuppressWarnings("module")
module io.bpf4j.arch.arm64 {
    requires transitive io.bpf4j.core;
    exports io.bpf4j.arch.arm64;
    provides io.bpf4j.core.arch.Architecture with io.bpf4j.arch.arm64.Arm64;
}
