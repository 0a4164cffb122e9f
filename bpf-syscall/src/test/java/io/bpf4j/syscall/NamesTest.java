package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.internal.Names;
import io.bpf4j.syscall.internal.PossibleCpus;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void tracefsNamesWithNewlineOrSpaceAreRejectedNamingTheCharacter() {
        IllegalArgumentException nl = assertThrows(IllegalArgumentException.class,
                () -> Names.checkTracefsName("function", "do_sys_open\n-:kprobes/x"));
        assertTrue(nl.getMessage().contains("a newline at index 11"), nl.getMessage());
        assertTrue(nl.getMessage().contains("do_sys_open\\n-:kprobes/x"), nl.getMessage());
        IllegalArgumentException sp = assertThrows(IllegalArgumentException.class,
                () -> Names.checkTracefsName("function", "a b"));
        assertTrue(sp.getMessage().contains("a space at index 1"), sp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Names.checkTracefsName("function", "tab\there"));
        assertThrows(IllegalArgumentException.class, () -> Names.checkTracefsName("function", ""));
    }

    @Test
    void tracepointPathsCannotEscapeTheEventsDirectory() {
        assertThrows(IllegalArgumentException.class, () -> Tracefs.checkEventName("category", "../x"));
        assertThrows(IllegalArgumentException.class, () -> Tracefs.checkEventName("category", ".."));
    }

    @Test
    void cpuListsParseToTheHighestCpuPlusOne() {
        assertTrue(PossibleCpus.parse("0-1") == 2);
        assertTrue(PossibleCpus.parse("0,2-5\n") == 6);
        assertTrue(PossibleCpus.parse("0") == 1);
    }
}
