package io.bpf4j.kprobe;

import static io.bpf4j.kprobe.PrologueTest.assertMessage;
import static io.bpf4j.kprobe.PrologueTest.mov;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.CallInsn;
import io.bpf4j.core.ExitInsn;
import io.bpf4j.core.Fragments;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.JumpInsn;
import io.bpf4j.core.JumpOp;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeHelpersTest {
    static AluInsn add(Reg r, int imm) {
        return new AluInsn(AluOp.ADD, true, r, null, imm);
    }

    static AluInsn movi(Reg r, int imm) {
        return new AluInsn(AluOp.MOV, true, r, null, imm);
    }

    @Test
    void readStringSetsTheHelperArgumentsAndCallsTheRightHelper() {
        assertEquals(List.of(mov(Reg.R1, Reg.R10), mov(Reg.R3, Reg.R7), add(Reg.R1, -256), movi(Reg.R2, 256),
                        CallInsn.helper(Helper.PROBE_READ_USER_STR)),
                ProbeHelpers.readString(Memory.USER, Reg.R10, -256, 256, Reg.R7));
        assertEquals(CallInsn.helper(Helper.PROBE_READ_KERNEL_STR),
                ProbeHelpers.readString(Memory.KERNEL, Reg.R6, 8, 16, Reg.R7).get(4));
    }

    @Test
    void readIsFragmentsProbeReadForEveryRegisterPairTheSwapIncluded() {
        int pairs = 0;
        for (Reg dst : Reg.values()) {
            for (Reg src : Reg.values()) {
                assertEquals(Fragments.probeReadUser(dst, 24, src), ProbeHelpers.read(Memory.USER, dst, 0, 24, src, 0),
                        dst + " <- " + src);
                assertEquals(Fragments.probeReadKernelStr(dst, 16, src), ProbeHelpers.readString(Memory.KERNEL, dst, 0, 16, src),
                        dst + " <- " + src);
                assertEquals(Fragments.probeRead(Helper.PROBE_READ_KERNEL, dst, -8, 4, src, 16),
                        ProbeHelpers.read(Memory.KERNEL, dst, -8, 4, src, 16), dst + " <- " + src);
                pairs++;
            }
        }
        assertEquals(121, pairs);
    }

    @Test
    void destinationInR3AndSourceInR1SwapThroughR0InsteadOfFailing() {
        // r1 = r3 - 8 and r3 = r1 + 16 at once: r1 parked in r0, the offsets added after the moves
        assertEquals(List.of(mov(Reg.R0, Reg.R1), mov(Reg.R1, Reg.R3), mov(Reg.R3, Reg.R0), add(Reg.R1, -8),
                        add(Reg.R3, 16), movi(Reg.R2, 4), CallInsn.helper(Helper.PROBE_READ_USER)),
                ProbeHelpers.read(Memory.USER, Reg.R3, -8, 4, Reg.R1, 16));
    }

    @Test
    void registersAlreadyInPlaceAreNotMovedAndOverlapsAreOrdered() {
        // source already in r3, destination already in r1: only the size is set
        assertEquals(List.of(movi(Reg.R2, 8), CallInsn.helper(Helper.PROBE_READ_KERNEL)),
                ProbeHelpers.read(Memory.KERNEL, Reg.R1, 0, 8, Reg.R3, 0));
        // destination in r3: r1 must be written before r3 is overwritten
        assertEquals(List.of(mov(Reg.R1, Reg.R3), mov(Reg.R3, Reg.R7), add(Reg.R3, 16), movi(Reg.R2, 4),
                        CallInsn.helper(Helper.PROBE_READ_KERNEL)),
                ProbeHelpers.read(Memory.KERNEL, Reg.R3, 0, 4, Reg.R7, 16));
        // source in r1: r3 is written first
        assertEquals(List.of(mov(Reg.R3, Reg.R1), mov(Reg.R1, Reg.R6), movi(Reg.R2, 4), CallInsn.helper(Helper.PROBE_READ_USER)),
                ProbeHelpers.read(Memory.USER, Reg.R6, 0, 4, Reg.R1, 0));
        assertMessage("size 0", () -> ProbeHelpers.readString(Memory.USER, Reg.R10, -8, 0, Reg.R7));
        assertMessage("memory missing", () -> ProbeHelpers.readString(null, Reg.R10, -8, 8, Reg.R7));
    }

    @Test
    void filtersReturnEarlyWithoutLabels() {
        List<Instruction> tgid = ProbeHelpers.onlyTgid(4242);
        assertEquals(List.of(CallInsn.helper(Helper.GET_CURRENT_PID_TGID), new AluInsn(AluOp.RSH, true, Reg.R0, null, 32),
                new JumpInsn(JumpOp.JEQ, true, Reg.R0, null, 4242, 2, null), movi(Reg.R0, 0), new ExitInsn()), tgid);
        assertEquals(new JumpInsn(JumpOp.JNE, true, Reg.R0, null, 7, 2, null), ProbeHelpers.skipTgid(7).get(2));
        assertEquals(List.of(CallInsn.helper(Helper.GET_CURRENT_UID_GID),
                new JumpInsn(JumpOp.JEQ, true, Reg.R0, null, 1000, 2, null), movi(Reg.R0, 0), new ExitInsn()),
                ProbeHelpers.onlyUid(1000));
        assertEquals(CallInsn.helper(Helper.GET_CURRENT_PID_TGID), ProbeHelpers.onlyPid(1).get(0));
        // twice in one program: no label clash
        Program p = Program.builder().append(ProbeHelpers.onlyTgid(1)).append(ProbeHelpers.onlyUid(0)).mov64(Reg.R0, 0).exit().build();
        assertEquals(11 * 8, p.assemble().length);
    }
}
