package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Helper;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

@KernelTest
class FeaturesKernelTest {
    private final Features f = Features.system();

    @Test
    void programTypesThisKernelHasAreFound() {
        // The machine facts: ring buffers, kprobe/tracepoint/raw tracepoint/syscall/XDP programs load.
        for (ProgramType t : new ProgramType[] {ProgramType.KPROBE, ProgramType.TRACEPOINT, ProgramType.RAW_TRACEPOINT,
            ProgramType.SYSCALL, ProgramType.XDP, ProgramType.SOCKET_FILTER, ProgramType.PERF_EVENT}) {
            assertTrue(f.hasProgramType(t), t.toString());
        }
        assertFalse(f.hasProgramType(ProgramType.UNSPEC));
    }

    @Test
    void mapTypesThisKernelHasAreFound() {
        for (MapType t : new MapType[] {MapType.HASH, MapType.ARRAY, MapType.RINGBUF, MapType.LPM_TRIE, MapType.QUEUE,
            MapType.BLOOM_FILTER, MapType.HASH_OF_MAPS, MapType.STACK_TRACE, MapType.PERCPU_ARRAY}) {
            assertTrue(f.hasMapType(t), t.toString());
        }
        assertFalse(f.hasMapType(MapType.UNSPEC));
    }

    @Test
    void helpersAreAvailablePerProgramType() {
        assertTrue(f.hasHelper(ProgramType.KPROBE, Helper.RINGBUF_OUTPUT));
        assertTrue(f.hasHelper(ProgramType.TRACEPOINT, Helper.GET_CURRENT_PID_TGID));
        assertTrue(f.hasHelper(ProgramType.SYSCALL, Helper.LOOP));
        // Socket filters may not walk stacks: "program of this type cannot use helper bpf_get_stackid#27".
        assertFalse(f.hasHelper(ProgramType.SOCKET_FILTER, Helper.GET_STACKID));
        // Only XDP-family programs may redirect XDP frames.
        assertFalse(f.hasHelper(ProgramType.KPROBE, Helper.XDP_ADJUST_HEAD));
    }

    @Test
    void instructionSetProbesAgreeWithWhatTheVerifierTakes() {
        boolean v4 = f.hasInstructionSetV4();
        // Another instruction of the fourth set, a sign-extending move, loads exactly where the probe says so.
        Program movsx = Program.builder().mov64(Reg.R0, -1).movsx64(Reg.R0, Reg.R0, 8).exit().build();
        boolean loaded;
        try (BpfProgram p = BpfProgram.load(ProgramSpec.socketFilter("movsx", movsx))) {
            loaded = p.fd() > 0;
        } catch (BpfException e) {
            loaded = false;
        }
        assertEquals(v4, loaded);
        // may_goto (6.9) came after the fourth instruction set (6.6).
        assertTrue(v4 || !f.hasMayGoto());
        System.out.println("instruction set v4: " + v4 + ", may_goto: " + f.hasMayGoto());
    }
}
