package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts that keep building and assembling cheap (a built Program shares the builder's
 * list, fragment helpers append straight into the builder, a Program keeps its resolved labels)
 * change nothing anyone can observe.
 */
class BuilderSharingTest {
    private static final MapReference EVENTS = MapReference.named("events");

    @Test
    void appendingAfterBuildLeavesTheBuiltProgramAlone() {
        ProgramBuilder b = Program.builder().mov64(Reg.R0, 0).exit();
        Program first = b.build();
        Program second = b.label("more").mov64(Reg.R0, 1).exit().build();
        b.mov64(Reg.R1, 2);
        assertEquals(2, first.instructions().size());
        assertEquals(5, second.instructions().size());
        assertEquals(6, b.size());
        assertEquals(List.of("more"), second.labels());
    }

    @Test
    void builderFragmentsEqualTheFragmentsLists() {
        check(b -> b.getCurrentPidTgid(Reg.R6, Reg.R7), Fragments.getCurrentPidTgid(Reg.R6, Reg.R7));
        check(b -> b.getCurrentPidTgid(Reg.R0, Reg.R1), Fragments.getCurrentPidTgid(Reg.R0, Reg.R1));
        check(b -> b.getCurrentUidGid(null, Reg.R0), Fragments.getCurrentUidGid(null, Reg.R0));
        check(b -> b.getCurrentComm(Reg.R10, -16, 16), Fragments.getCurrentComm(Reg.R10, -16, 16));
        check(b -> b.getCurrentComm(Reg.R1, 0, 16), Fragments.getCurrentComm(Reg.R1, 0, 16));
        check(b -> b.ringbufReserve(EVENTS, 40), Fragments.ringbufReserve(EVENTS, 40));
        check(b -> b.ringbufSubmit(Reg.R6, 0), Fragments.ringbufSubmit(Reg.R6, 0));
        check(b -> b.ringbufDiscard(Reg.R1, 2), Fragments.ringbufDiscard(Reg.R1, 2));
        // Every shape of the two-register move: independent, already in place, swapped (a cycle),
        // and the first move overwriting the second's source.
        check(b -> b.probeReadKernel(Reg.R6, 8, Reg.R0), Fragments.probeReadKernel(Reg.R6, 8, Reg.R0));
        check(b -> b.probeReadUser(Reg.R1, 8, Reg.R3), Fragments.probeReadUser(Reg.R1, 8, Reg.R3));
        check(b -> b.probeReadKernelStr(Reg.R3, 8, Reg.R1), Fragments.probeReadKernelStr(Reg.R3, 8, Reg.R1));
        check(b -> b.probeReadUserStr(Reg.R6, 8, Reg.R1), Fragments.probeReadUserStr(Reg.R6, 8, Reg.R1));
        check(b -> b.probeReadKernel(Reg.R3, 8, Reg.R7), Fragments.probeReadKernel(Reg.R3, 8, Reg.R7));
    }

    private static void check(Consumer<ProgramBuilder> viaBuilder, List<Instruction> expected) {
        ProgramBuilder direct = Program.builder().mov64(Reg.R9, 1);
        viaBuilder.accept(direct);
        ProgramBuilder recorded = Program.builder().recordSourcePositions(true).mov64(Reg.R9, 1);
        viaBuilder.accept(recorded);
        List<Instruction> want = new ArrayList<>();
        want.add(new AluInsn(AluOp.MOV, true, Reg.R9, null, 1));
        want.addAll(expected);
        assertEquals(want, direct.instructions());
        assertEquals(want, recorded.instructions());
        assertEquals(want.size(), recorded.build().instructions().size());
        assertEquals(true, recorded.build().sourcePosition(want.size() - 1).isPresent());
    }

    @Test
    void aFailingFragmentLeavesTheBuilderAsItWas() {
        ProgramBuilder b = Program.builder().mov64(Reg.R0, 0);
        AssemblyException e = assertThrows(AssemblyException.class, () -> b.probeReadKernel(Reg.R6, 8, null));
        assertEquals(1, b.size());
        assertEquals("slot 1 (instruction 1): bpf_probe_read_kernel: source register missing", e.getMessage());
        assertEquals(1, e.index());
        assertThrows(AssemblyException.class, () -> b.ringbufSubmit(null, 0));
        assertEquals(1, b.size());
    }

    @Test
    void assemblingAgainGivesTheSameBytesAsAFreshProgram() {
        Program p = Program.builder()
                .label("top").mov64(Reg.R1, 1).jeq(Reg.R1, 0, "out").ja("top")
                .label("out").mov64(Reg.R0, 0).exit().build();
        byte[] le = p.assemble(ByteOrder.LITTLE_ENDIAN);
        byte[] be = p.assemble(ByteOrder.BIG_ENDIAN);
        AssembledProgram detailed = p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, false);
        detailed.slotOf()[1] = 99;   // the array handed out is the caller's own
        Program fresh = Program.of(p.instructions());
        assertArrayEquals(fresh.assemble(ByteOrder.LITTLE_ENDIAN), p.assemble(ByteOrder.LITTLE_ENDIAN));
        assertArrayEquals(fresh.assemble(ByteOrder.BIG_ENDIAN), be);
        assertArrayEquals(le, p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, true).bytecode());
        assertArrayEquals(new int[] {0, 0, 1, 2, 3, 3, 4, 5}, p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, true).slotOf());
    }

    @Test
    void aProgramWithAFarJumpStillWidensOrFailsEveryTime() {
        ProgramBuilder b = Program.builder().jeq(Reg.R1, 0, "far");
        for (int i = 0; i < 40_000; i++) {
            b.mov64(Reg.R0, 0);
        }
        Program p = b.label("far").exit().build();
        assertEquals(40_003 * 8, p.assemble(ByteOrder.LITTLE_ENDIAN).length);
        assertEquals(40_003 * 8, p.assemble(ByteOrder.BIG_ENDIAN).length);
        assertThrows(AssemblyException.class, () -> p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, false));
        assertThrows(AssemblyException.class, () -> p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, false));
    }

    @Test
    void labelErrorsReadTheSameWithFewOrManyLabels() {
        for (int labels : new int[] {1, 8, 9, 40}) {
            ProgramBuilder b = Program.builder();
            for (int k = 0; k < labels; k++) {
                b.label("L" + k).mov64(Reg.R0, k);
            }
            Program unknown = b.jeq(Reg.R0, 0, "Lx").exit().build();
            AssemblyException e = assertThrows(AssemblyException.class, () -> unknown.assemble());
            assertEquals(true, e.getMessage().startsWith("slot " + labels + " (instruction " + 2 * labels + ": if r0 == 0x0 goto Lx): unknown label 'Lx'"),
                    e.getMessage());
            Program duplicate = b.label("L0").exit().build();
            e = assertThrows(AssemblyException.class, () -> duplicate.assemble());
            assertEquals("slot " + (labels + 2) + " (instruction " + (2 * labels + 2) + "): duplicate label 'L0', first defined at instruction 0",
                    e.getMessage());
        }
    }
}
