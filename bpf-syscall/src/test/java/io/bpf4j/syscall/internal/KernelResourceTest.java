package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.FakeKernel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Use counting against the fake kernel: when close(2) really happens. */
class KernelResourceTest {
    private final FakeKernel kernel = new FakeKernel();

    private int newFd() {
        return kernel.mapCreate(new Kernel.MapCreateRequest(MapSpec.hash("r", 4, 4, 1).type().code(), 4, 4, 1, 0, 0, "r", 0));
    }

    @Test
    void closeDuringAUseDefersTheRealCloseUntilTheUseEnds() {
        int fd = newFd();
        KernelResource r = new KernelResource(this, kernel, "map 'r'", fd);
        assertEquals(fd, r.acquire());
        assertEquals(fd, r.acquire());
        r.close();
        assertTrue(r.isClosed());
        assertThrows(IllegalStateException.class, r::acquire, "a new use after close");
        assertTrue(kernel.openFds().contains(fd), "closed while two uses were in flight");
        r.release();
        assertTrue(kernel.openFds().contains(fd), "closed while one use was in flight");
        r.release();
        assertFalse(kernel.openFds().contains(fd), "not closed when the last use ended");
        r.close();
    }

    @Test
    void closeWithoutUsesClosesAtOnceAndRunsExtraCleanUpFirst() {
        int fd = newFd();
        KernelResource r = new KernelResource(this, kernel, "map 'r'", fd);
        List<String> order = new ArrayList<>();
        r.onClose(() -> order.add("extra open=" + kernel.openFds().contains(fd)));
        r.close();
        assertEquals(List.of("extra open=true"), order);
        assertFalse(kernel.openFds().contains(fd));
        IllegalStateException e = assertThrows(IllegalStateException.class, r::fd);
        assertTrue(e.getMessage().contains("map 'r' is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.onClose(() -> { }));
    }
}
