package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
    @Test
    void rootOrSysAdminOrBpfWithPerfmonIsEnough() {
        assertEquals(Optional.empty(), Privileges.missingForTracing(-1L));
        assertEquals(Optional.empty(), Privileges.missingForTracing(1L << Privileges.CAP_SYS_ADMIN));
        assertEquals(Optional.empty(),
                Privileges.missingForTracing((1L << Privileges.CAP_BPF) | (1L << Privileges.CAP_PERFMON)));
    }

    @Test
    void anUnprivilegedUserIsToldWhichCapabilitiesAreMissing() {
        String why = Privileges.missingForTracing(0).orElseThrow();
        assertTrue(why.contains("needs root") && why.contains("CAP_BPF and CAP_PERFMON"), why);
        String onlyPerfmon = Privileges.missingForTracing(1L << Privileges.CAP_BPF).orElseThrow();
        assertTrue(onlyPerfmon.contains("missing CAP_PERFMON ("), onlyPerfmon);
    }

    @Test
    void uprobesNeedSysAdminBeyondBpfAndPerfmon() {
        long bpfPerfmon = (1L << Privileges.CAP_BPF) | (1L << Privileges.CAP_PERFMON);
        String why = Privileges.missingForUprobes(bpfPerfmon).orElseThrow();
        assertTrue(why.contains("CAP_SYS_ADMIN") && why.contains("EACCES"), why);
        assertEquals(Optional.empty(), Privileges.missingForUprobes(bpfPerfmon | (1L << Privileges.CAP_SYS_ADMIN)));
        assertEquals(Optional.empty(), Privileges.missingForUprobes(-1L));
        assertTrue(Privileges.missingForUprobes(0).orElseThrow().contains("CAP_BPF"));
    }
}
