package io.bpf4j.kprobe;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import java.util.function.Consumer;

/**
 * Probe bodies for the kernel tests: they copy registers into slot {@code key} of an array map
 * whose values are {@code 8 * count} bytes, so the test can read back what the probe saw.
 */
final class ResultBodies {
    private ResultBodies() {
    }

    /**
     * Stores {@code regs} to the stack at once (helper calls would clobber r1..r5), returns early
     * unless the current process is {@code tgid}, then writes the stack buffer to {@code map[key]}.
     */
    static Consumer<ProgramBuilder> storeToArray(MapReference map, int key, int tgid, Reg... regs) {
        int buf = -8 * (regs.length + 1);
        return b -> {
            for (int i = 0; i < regs.length; i++) {
                b.stxdw(Reg.R10, buf + 8 * i, regs[i]);
            }
            b.append(ProbeHelpers.onlyTgid(tgid));
            b.stw(Reg.R10, -4, key)
                    .ldMap(Reg.R1, map)
                    .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                    .mov64(Reg.R3, Reg.R10).add64(Reg.R3, buf)
                    .mov64(Reg.R4, 0)
                    .call(Helper.MAP_UPDATE_ELEM)
                    .mov64(Reg.R0, 0)
                    .exit();
        };
    }
}
