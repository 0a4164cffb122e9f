package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserSymbolNamesTest {
    @Test
    void versionedUserSymbolsAreAcceptedAsReadelfPrintsThem() {
        for (String s : new String[] {"memcpy", "memcpy@GLIBC_2.2.5", "memcpy@@GLIBC_2.14", "_ZN3foo3barEv@V1.0"}) {
            assertDoesNotThrow(() -> new AttachPoint.UserFunction("libc", s, 0), s);
        }
    }

    @Test
    void aMissingOrMalformedVersionIsRefusedWithTheExpectedForm() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new AttachPoint.UserFunction("libc", "memcpy@", 0));
        assertTrue(empty.getMessage().contains("name@VERSION"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AttachPoint.UserFunction("libc", "memcpy@GLIBC 2", 0));
        assertThrows(IllegalArgumentException.class, () -> new AttachPoint.UserFunction("libc", "@GLIBC_2.2.5", 0));
        assertThrows(IllegalArgumentException.class, () -> new AttachPoint.UserFunction("libc", "mem\ncpy", 0));
    }
}
