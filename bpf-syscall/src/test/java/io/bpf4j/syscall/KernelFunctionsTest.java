package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernel symbol look-ups and the hints a failed kprobe gets, from kallsyms and tracefs text (no kernel needed). */
class KernelFunctionsTest {
    private static final String KALLSYMS = "ffffffff81000000 T _stext\n"
            + "ffffffff81234560 T do_execveat_common\n"
            + "ffffffff81234990 t rcu_nmi_enter\n"
            + "ffffffff81235000 t bprm_execve.constprop.0.isra.0\n"
            + "ffffffff81235400 t bprm_execve.part.0\n"
            + "ffffffff81235800 t bprm_execve.llvm.8812\n"
            + "ffffffff81235900 t bprm_execve_helper\n"
            + "ffffffff81235a00 t bprm_execve.isra.0.cold\n"
            + "ffffffffc0001000 t mymod_fn\t[mymod]\n";
    private static final String TRACEABLE = "do_execveat_common\nmymod_fn [mymod]\n";

    @Test
    void clonesAreEveryCompilerSuffixCombinationButNotOtherFunctionsWithTheSamePrefix() {
        assertEquals(List.of("bprm_execve.constprop.0.isra.0", "bprm_execve.part.0", "bprm_execve.llvm.8812",
                "bprm_execve.isra.0.cold"), KernelFunctions.clones(KALLSYMS, "bprm_execve"));
        assertEquals(List.of(), KernelFunctions.clones(KALLSYMS, "do_execveat_common"));
    }

    @Test
    void symbolsMatchWholeFieldsOnly() {
        assertTrue(KernelFunctions.hasSymbol(KALLSYMS, "mymod_fn", 2));
        assertFalse(KernelFunctions.hasSymbol(KALLSYMS, "do_execveat", 2));
        assertFalse(KernelFunctions.hasSymbol(KALLSYMS, "bprm_execve", 2));
        assertTrue(KernelFunctions.hasSymbol(TRACEABLE, "mymod_fn", 0));
    }

    @Test
    void missingFunctionIsCalledMissingAndNothingIsClaimedAboutInlining() {
        String h = KernelFunctions.diagnose("do_execveat_commn", KALLSYMS, TRACEABLE);
        assertTrue(h.contains("does not exist in this kernel"), h);
    }

    @Test
    void aFunctionThatExistsOnlyAsClonesNamesThem() {
        String h = KernelFunctions.diagnose("bprm_execve", KALLSYMS, TRACEABLE);
        assertTrue(h.contains("found: bprm_execve.constprop.0.isra.0, bprm_execve.part.0"), h);
        assertTrue(h.contains("none of them traceable"), h);
    }

    @Test
    void existingButUntraceableFunctionIsCalledNotrace() {
        String h = KernelFunctions.diagnose("rcu_nmi_enter", KALLSYMS, TRACEABLE);
        assertTrue(h.contains("exists but cannot be probed") && h.contains("notrace"), h);
    }

    @Test
    void withoutKernelListsTheHintPointsAtTheBlacklist() {
        String h = KernelFunctions.diagnose("whatever", null, null);
        assertTrue(h.contains("blacklist"), h);
    }

    @Test
    void syscallWrappersSuggestTheirSyscallTracepoints() {
        assertEquals("AttachPoint.tracepoint(\"syscalls\", \"sys_enter_openat\") (and sys_exit_openat)",
                KprobeLink.alternative("__x64_sys_openat"));
        assertTrue(KprobeLink.alternative("do_exit").contains("sched_process_exit"));
    }
}
