package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.FakeKernel;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Cleaner safety net, against the fake kernel (no root). */
class CleanerTest {
    private final FakeKernel kernel = new FakeKernel();

    /** Runs the GC until {@code fd} is closed; false if it never is within the bound. */
    private boolean gcUntilClosed(int fd) throws InterruptedException {
        for (int i = 0; i < 200 && kernel.openFds().contains(fd); i++) {
            System.gc();
            Thread.sleep(5);
        }
        return !kernel.openFds().contains(fd);
    }

    private int leakMap() {
        BpfMap m = BpfMap.create(kernel, MapSpec.hash("leaky", 4, 4, 1));
        return m.fd();
    }

    @Test
    void anUnreachableMapIsClosedByTheSafetyNet() throws InterruptedException {
        int fd = leakMap();
        assertTrue(gcUntilClosed(fd), "the leaked map's fd was never closed");
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aLinkStillReferencedIsNotDetachedWhenItsProgramIsDropped() throws InterruptedException {
        BpfLink link = attachAndDropProgram();
        int linkFd = link.fd();
        // The program object is unreachable: the net closes its fd, never the link's.
        for (int i = 0; i < 50; i++) {
            System.gc();
            Thread.sleep(2);
        }
        assertTrue(kernel.openFds().contains(linkFd));
        assertFalse(link.isClosed());
        link.close();
        assertFalse(kernel.openFds().contains(linkFd));
    }

    private BpfLink attachAndDropProgram() {
        BpfProgram prog = BpfProgram.load(kernel, ProgramSpec.rawTracepoint("rt",
                Program.builder().mov64(Reg.R0, 0).exit().build()));
        return prog.attachRawTracepoint("sys_enter");
    }
}
