package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.syscall.testing.FakeKernel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CpusPinningTest {
    private final FakeKernel kernel = new FakeKernel();

    @Test
    void pinningRestrictsTheThreadToOneCpuAndClosingGivesBackWhatItHad() {
        kernel.setAllowedCpus(0, 1, 3);
        try (Cpus.Pinned p = Cpus.pinThisThread(kernel, 3)) {
            assertEquals(3, p.cpu());
            assertArrayEquals(new int[] {3}, Cpus.allowed(kernel));
        }
        assertArrayEquals(new int[] {0, 1, 3}, Cpus.allowed(kernel));
    }

    @Test
    void aCpuOutsideTheCpusetIsRefusedByNameWithTheOnlineOnes() {
        kernel.setAllowedCpus(0, 1);
        kernel.file("/sys/devices/system/cpu/online", "0-1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cpus.pinThisThread(kernel, 2));
        assertTrue(e.getMessage().contains("CPU 2 is not online") && e.getMessage().contains("[0, 1]"), e.getMessage());
        assertArrayEquals(new int[] {0, 1}, Cpus.allowed(kernel), "unchanged");
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> Cpus.pinThisThread(kernel, -1));
        assertTrue(range.getMessage().contains("0 to 1023"), range.getMessage());
    }

    @Test
    void aThreadPinnedElsewhereCanBePinnedToAnyCpuOfItsCpuset() {
        try (Cpus.Pinned first = Cpus.pinThisThread(kernel, 0)) {
            try (Cpus.Pinned second = Cpus.pinThisThread(kernel, 1)) {
                assertArrayEquals(new int[] {second.cpu()}, Cpus.allowed(kernel));
            }
            assertArrayEquals(new int[] {first.cpu()}, Cpus.allowed(kernel), "the inner close restores the outer pinning");
        }
    }

    @Test
    void anotherThreadCannotUndoThePinningAndClosingTwiceRestoresOnce() throws Exception {
        Cpus.Pinned p = Cpus.pinThisThread(kernel, 1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> CompletableFuture.runAsync(p::close).get());
        assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("must be closed by that thread"),
                String.valueOf(e.getCause()));
        assertArrayEquals(new int[] {1}, Cpus.allowed(kernel), "still pinned");
        p.close();
        p.close();
        assertArrayEquals(new int[] {0, 1}, Cpus.allowed(kernel));
        assertEquals(2, kernel.calls().stream().filter(c -> c.startsWith("sched_setaffinity")).count(), "pin, restore");
    }

    @Test
    void aVirtualThreadIsRefusedBecauseItHasNoKernelThreadOfItsOwn() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads exist from Java 21 on");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Runnable pin = () -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Cpus.pinThisThread(kernel, 1));
            assertTrue(e.getMessage().contains("virtual thread"), e.getMessage());
        };
        Thread t = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class).invoke(builder, pin);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        t.setUncaughtExceptionHandler((th, e) -> failed.set(e));
        t.start();
        t.join();
        assertEquals(null, failed.get());
        assertTrue(kernel.calls().stream().noneMatch(c -> c.startsWith("sched_setaffinity")), "nothing was asked of the kernel");
    }
}
