package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.FakeKernel;
import org.junit.jupiter.api.Test;

/** A failure names its call as an enum callers can switch on, and the object in a field of its own. */
class BpfExceptionTest {
    @Test
    void theCallAndTheObjectAreSeparateFieldsAndTheMessageReadsAsBefore() {
        BpfException e = new BpfException(KernelCall.BPF_OBJ_PIN, "/sys/fs/bpf/x", Errno.EEXIST, "remove it first", null);
        assertEquals(KernelCall.BPF_OBJ_PIN, e.call());
        assertEquals("/sys/fs/bpf/x", e.object());
        assertEquals("BPF_OBJ_PIN /sys/fs/bpf/x failed: EEXIST (17) File exists — remove it first", e.getMessage());
    }

    @Test
    void aFreeTextOperationIsSplitIntoCallAndObject() {
        BpfException p = new BpfException("perf_event_open (kprobe vfs_read)", Errno.ENOENT, "x");
        assertEquals(KernelCall.PERF_EVENT_OPEN, p.call());
        assertEquals("(kprobe vfs_read)", p.object());
        assertTrue(p.getMessage().startsWith("perf_event_open (kprobe vfs_read) failed: ENOENT"), p.getMessage());
        BpfException r = new BpfException("uprobe malloc in /lib/libc.so.6", Errno.ENOENT, "no function");
        assertEquals(KernelCall.RESOLVE, r.call());
        assertEquals("uprobe malloc in /lib/libc.so.6", r.object());
        assertTrue(r.getMessage().startsWith("uprobe malloc in /lib/libc.so.6 failed:"), r.getMessage());
    }

    @Test
    void bpfCommandsKeepTheirKernelNumbers() {
        assertEquals(KernelCall.BPF_PROG_LOAD, KernelCall.ofBpfCommand(5));
        assertEquals(28, KernelCall.BPF_LINK_CREATE.bpfCommand());
        assertEquals("perf_event_open", KernelCall.PERF_EVENT_OPEN.text());
        assertThrows(IllegalArgumentException.class, () -> KernelCall.ofBpfCommand(999));
    }

    @Test
    void aRefusedLoadCanBeToldApartFromARefusedAttachWithoutReadingText() {
        FakeKernel k = new FakeKernel().rejectLoads(Errno.EPERM, "");
        BpfException e = assertThrows(BpfException.class, () -> BpfProgram.load(k,
                ProgramSpec.socketFilter("p", Program.builder().mov64(Reg.R0, 0).exit().build())));
        assertEquals(KernelCall.BPF_PROG_LOAD, e.call());
        assertEquals(Errno.EPERM, e.errno());
    }
}
