package io.bpf4j.arch.arm64;

import io.bpf4j.core.arch.Architecture;
import java.util.Set;

/**
 * arm64: {@code struct pt_regs} from {@code arch/arm64/include/asm/ptrace.h} starts with
 * {@code u64 regs[31]} (x0..x30), then sp at 248 and pc at 256. AAPCS64 passes arguments in
 * x0..x7 and returns in x0; the frame pointer is x29.
 *
 * <pre>{@code
 * Architecture arm = Architectures.byName("aarch64").orElseThrow();
 * arm.argOffset(3);   // 24 (regs[3])
 * }</pre>
 */
public final class Arm64 implements Architecture {
    @Override
    public String name() {
        return "arm64";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("arm64", "aarch64");
    }

    @Override
    public int argRegisterCount() {
        return 8;
    }

    @Override
    public int argOffset(int index) {
        checkArgIndex(index);
        return index * 8;
    }

    @Override
    public int returnValueOffset() {
        return 0;
    }

    @Override
    public int stackPointerOffset() {
        return 248;
    }

    @Override
    public int framePointerOffset() {
        return 29 * 8;
    }

    @Override
    public int instructionPointerOffset() {
        return 256;
    }

    @Override
    public String syscallPrefix() {
        return "__arm64_sys_";
    }

    @Override
    public String toString() {
        return name();
    }
}
