package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.u32;
import static io.bpf4j.syscall.KernelFixtures.u64;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

/** Bad input against the real kernel: each a clear error, raised before the kernel can misread it. */
@KernelTest
class BadInputKernelTest {

    @Test
    void mapNameOverFifteenCharactersIsRefusedBeforeCreate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfMap.create(MapSpec.hash("sixteen_chars_xx", 4, 8, 1)));
        assertTrue(e.getMessage().contains("at most 15"), e.getMessage());
    }

    @Test
    void keyOfTheWrongSizeIsRefusedWithBothSizes() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("bad_key", 4, 8, 4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.lookup(u64(1)));
            assertTrue(e.getMessage().contains("key is 8 bytes: expected 4 (key_size)"), e.getMessage());
        }
    }

    @Test
    void closedMapUsedAgainOrGivenToAProgramIsAClearError() {
        BpfMap m = BpfMap.create(MapSpec.array("closed_map", 8, 1));
        m.close();
        IllegalStateException use = assertThrows(IllegalStateException.class, () -> m.update(u32(0), u64(1)));
        assertTrue(use.getMessage().contains("map 'closed_map' (ARRAY) is closed"), use.getMessage());
        Program p = Program.builder().ldMap(Reg.R1, io.bpf4j.core.MapReference.named("closed_map"))
                .mov64(Reg.R0, 0).exit().build();
        IllegalStateException load = assertThrows(IllegalStateException.class,
                () -> BpfProgram.load(ProgramSpec.socketFilter("uses_closed", p).maps(m)));
        assertTrue(load.getMessage().contains("is closed"), load.getMessage());
    }

    @Test
    void tracefsNamesWithNewlineOrSpaceAreRefused() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.tracepoint("tp_names", p).license("GPL"))) {
            IllegalArgumentException nl = assertThrows(IllegalArgumentException.class,
                    () -> prog.attachTracepoint("syscalls\n", "sys_enter_getppid"));
            assertTrue(nl.getMessage().contains("newline"), nl.getMessage());
            IllegalArgumentException sp = assertThrows(IllegalArgumentException.class,
                    () -> prog.attachTracepoint("syscalls", "sys enter"));
            assertTrue(sp.getMessage().contains("space"), sp.getMessage());
        }
    }
}
