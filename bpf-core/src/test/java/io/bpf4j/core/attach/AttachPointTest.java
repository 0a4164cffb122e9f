package io.bpf4j.core.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Attach points are checked values whose kind decides the program type. */
class AttachPointTest {
    @Test
    void eachPointsKindDecidesTheProgramTypeAndReturnness() {
        assertEquals(AttachKind.KRETPROBE, AttachPoint.kretprobe("do_execveat_common").kind());
        assertEquals(ProgramType.KPROBE, AttachPoint.uretprobe("libc", "malloc").programType());
        assertTrue(AttachPoint.uretprobe("libc", "malloc").kind().isReturn());
        assertEquals(ProgramType.TRACEPOINT, AttachPoint.tracepoint("sched", "sched_process_exec").programType());
        assertEquals(ProgramType.PERF_EVENT, AttachPoint.cpuClock(49).programType());
        assertNull(AttachKind.KPROBE.expectedAttachType());
    }

    @Test
    void pointsPrintAsToolsSpellThem() {
        assertEquals("kretprobe:do_execveat_common", AttachPoint.kretprobe("do_execveat_common").toString());
        assertEquals("kprobe:vfs_read+0x10", AttachPoint.kprobe("vfs_read", 16).toString());
        assertEquals("uprobe:libc:malloc", AttachPoint.uprobe("libc", "malloc").toString());
        assertEquals("tracepoint:9p/9p_client_req", AttachPoint.tracepoint("9p", "9p_client_req").toString());
        assertEquals("perf_event:cpu-clock @49Hz", AttachPoint.cpuClock(49).toString());
    }

    @Test
    void versionedUserSymbolsAreAcceptedOnlyWithAVersion() {
        assertEquals("memcpy@GLIBC_2.2.5", AttachPoint.uprobe("libc", "memcpy@GLIBC_2.2.5").symbol());
        assertEquals("memcpy@@GLIBC_2.14", AttachPoint.uprobe("libc", "memcpy@@GLIBC_2.14").symbol());
        for (String bad : new String[] {"memcpy@", "memcpy@@", "memcpy@a@b", "@GLIBC"}) {
            assertThrows(IllegalArgumentException.class, () -> AttachPoint.uprobe("libc", bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.kprobe("vfs_read@X"), "kernel symbols have no versions");
    }

    @Test
    void namesThatWouldReachATracefsFileOrPathAreRefusedSayingWhy() {
        IllegalArgumentException nl = assertThrows(IllegalArgumentException.class, () -> AttachPoint.kprobe("f\n-:all"));
        assertTrue(nl.getMessage().contains("newline"), nl.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.tracepoint("..", "x"));
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.tracepoint("sched", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.kretprobe("f").kind().programType().kernelName()
                .concat(AttachPoint.kprobe("x".repeat(600)).function()));
        IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
                () -> new AttachPoint.KernelFunction("f", 8, true));
        assertTrue(off.getMessage().contains("kretprobes take no offset"), off.getMessage());
    }
}
