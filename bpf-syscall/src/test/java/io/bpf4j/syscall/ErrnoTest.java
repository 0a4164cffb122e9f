package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void numbersMapToNamesFromTheGenericErrnoHeader() {
        // Values from include/uapi/asm-generic/errno-base.h and errno.h.
        assertEquals(Errno.EPERM, Errno.of(1));
        assertEquals(Errno.ENOENT, Errno.of(2));
        assertEquals(Errno.EACCES, Errno.of(13));
        assertEquals(Errno.EINVAL, Errno.of(22));
        assertEquals(Errno.ENOSPC, Errno.of(28));
        assertEquals(Errno.EOPNOTSUPP, Errno.of(95));
        assertEquals(Errno.ENOTSUPP, Errno.of(524));
        assertEquals(Errno.UNKNOWN, Errno.of(4242));
    }

    @Test
    void permissionErrorsAskForCapabilitiesNeverForMemlock() {
        BpfException e = new BpfException("BPF_MAP_CREATE", Errno.EPERM, null);
        assertTrue(e.getMessage().startsWith("BPF_MAP_CREATE failed: EPERM (1)"), e.getMessage());
        assertTrue(e.getMessage().contains("CAP_BPF + CAP_PERFMON"), e.getMessage());
        assertFalse(e.getMessage().toLowerCase().contains("memlock"), e.getMessage());
        BpfException acc = new BpfException("perf_event_open", Errno.EACCES, null);
        assertTrue(acc.getMessage().contains("perf_event_paranoid"), acc.getMessage());
    }
}
