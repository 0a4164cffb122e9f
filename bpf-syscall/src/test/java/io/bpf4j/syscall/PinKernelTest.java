package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static io.bpf4j.syscall.KernelFixtures.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@KernelTest
class PinKernelTest {
    private static final String DIR = Bpffs.DEFAULT_MOUNT + "/";

    @Test
    void mapPinnedOpensAsTheSameMapAndUnpinRemovesIt() {
        String path = DIR + "bpf4j_map_" + ProcessHandle.current().pid();
        try (BpfMap m = BpfMap.create(MapSpec.hash("pinned", 4, 8, 4))) {
            m.update(u32(1), u64(77));
            m.pin(path);
            assertTrue(Bpffs.isMounted(Bpffs.DEFAULT_MOUNT));
            try (BpfMap again = BpfMap.openPinned(path)) {
                assertEquals(m.info().id(), again.info().id());
                assertEquals(MapType.HASH, again.type());
                assertEquals("pinned", again.name());
                assertEquals(77, asU64(again.lookup(u32(1)).orElseThrow()));
            } finally {
                assertTrue(Bpffs.unpin(path));
            }
            assertFalse(Files.exists(Path.of(path)));
            assertFalse(Bpffs.unpin(path));
            BpfException e = assertThrows(BpfException.class, () -> BpfMap.openPinned(path));
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    @Test
    void programPinnedOpensWithItsTypeAndName() {
        String path = DIR + "bpf4j_prog_" + ProcessHandle.current().pid();
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.socketFilter("pinned_prog", p))) {
            prog.pin(path);
            try (BpfProgram again = BpfProgram.openPinned(path)) {
                assertEquals(ProgramType.SOCKET_FILTER, again.type());
                assertEquals("pinned_prog", again.name());
            } finally {
                Bpffs.unpin(path);
            }
        }
    }
}
