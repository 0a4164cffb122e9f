package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The hints a failed kprobe gets, from kallsyms and tracefs text (no kernel needed). */
class KprobeHintsTest {
    private static final String KALLSYMS = "ffffffff81000000 T _stext\n"
            + "ffffffff81234560 T do_execveat_common\n"
            + "ffffffff81234990 t rcu_nmi_enter\n"
            + "ffffffffc0001000 t mymod_fn\t[mymod]\n";
    private static final String TRACEABLE = "do_execveat_common\nmymod_fn [mymod]\n";

    @Test
    void missingFunctionIsCalledMissingOrInlined() {
        String h = KprobeLink.diagnose("do_execveat_commn", KALLSYMS, TRACEABLE);
        assertTrue(h.contains("does not exist in this kernel") && h.contains("inlined"), h);
    }

    @Test
    void existingButUntraceableFunctionIsCalledNotrace() {
        String h = KprobeLink.diagnose("rcu_nmi_enter", KALLSYMS, TRACEABLE);
        assertTrue(h.contains("exists but cannot be probed") && h.contains("notrace"), h);
    }

    @Test
    void aPrefixOfAnotherSymbolDoesNotCountAsPresent() {
        String h = KprobeLink.diagnose("do_execveat", KALLSYMS, TRACEABLE);
        assertTrue(h.contains("does not exist"), h);
    }

    @Test
    void withoutKernelListsTheHintIsGeneric() {
        String h = KprobeLink.diagnose("whatever", null, null);
        assertTrue(h.contains("not found or not probeable"), h);
    }

    @Test
    void syscallWrappersSuggestTheirSyscallTracepoints() {
        assertEquals("attachTracepoint(\"syscalls\", \"sys_enter_openat\") (and sys_exit_openat)",
                KprobeLink.alternative("__x64_sys_openat"));
        assertTrue(KprobeLink.alternative("do_exit").contains("sched_process_exit"));
    }
}
