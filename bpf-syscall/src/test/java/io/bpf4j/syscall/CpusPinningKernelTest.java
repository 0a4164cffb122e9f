package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@KernelTest
class CpusPinningKernelTest {
    /** The kernel's own account of this thread's CPUs: {@code Cpus_allowed_list} in /proc/thread-self/status. */
    private static String allowedList() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).trim();
    }

    @Test
    void theKernelRunsThePinnedThreadOnItsCpuOnlyUntilThePinningIsClosed() throws IOException {
        int[] before = Cpus.allowed();
        assertTrue(before.length >= 1);
        String listBefore = allowedList();
        int last = before[before.length - 1];
        try (Cpus.Pinned p = Cpus.pinThisThread(last)) {
            assertEquals(Integer.toString(p.cpu()), allowedList());
            assertArrayEquals(new int[] {last}, Cpus.allowed());
        }
        assertEquals(listBefore, allowedList());
        assertArrayEquals(before, Cpus.allowed());
    }
}
