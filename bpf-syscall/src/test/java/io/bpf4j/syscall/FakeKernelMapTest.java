package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static io.bpf4j.syscall.KernelFixtures.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.testing.FakeKernel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Map logic against the fake kernel: no root needed. */
class FakeKernelMapTest {
    private final FakeKernel kernel = new FakeKernel();

    @Test
    void closingTwiceClosesTheFdOnceAndLeavesNothingOpen() {
        BpfMap m = BpfMap.create(kernel, MapSpec.hash("h", 4, 8, 4));
        m.close();
        m.close();
        assertEquals(Set.of(), kernel.openFds());
        assertEquals(1, kernel.calls().stream().filter(c -> c.startsWith("close ")).count());
    }

    @Test
    void closedMapUsedAgainFailsClearlyWithoutASyscall() {
        BpfMap m = BpfMap.create(kernel, MapSpec.hash("used", 4, 8, 4));
        m.close();
        int before = kernel.calls().size();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.lookup(u32(1)));
        assertTrue(e.getMessage().contains("map 'used' (HASH) is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, m::fd);
        assertEquals(before, kernel.calls().size());
    }

    @Test
    void wrongKeySizeIsRejectedBeforeTheSyscall() {
        try (BpfMap m = BpfMap.create(kernel, MapSpec.hash("keys", 4, 8, 4))) {
            int before = kernel.calls().size();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.update(u64(1), u64(2)));
            assertTrue(e.getMessage().contains("key is 8 bytes: expected 4 (key_size)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.update(u32(1), u32(2)));
            assertTrue(e.getMessage().contains("value is 4 bytes: expected 8"), e.getMessage());
            assertEquals(before, kernel.calls().size());
        }
    }

    @Test
    void batchLookupWalksEveryEntryAcrossChunks() {
        try (BpfMap m = BpfMap.create(kernel, MapSpec.hash("batch", 4, 8, 64))) {
            for (int i = 0; i < 10; i++) {
                m.update(u32(i), u64(i * 10L));
            }
            List<BpfMap.Entry> all = m.lookupBatch(3);
            assertEquals(10, all.size());
            assertEquals(90, asU64(all.get(9).value()));
        }
    }

    @Test
    void typedViewEncodesKeysAndValues() {
        try (BpfMap m = BpfMap.create(kernel, MapSpec.hash("typed", 4, 8, 4))) {
            TypedMap<Integer, Long> t = m.typed(MapCodec.u32(), MapCodec.u64());
            t.put(3, 33L);
            assertEquals(33L, t.get(3).orElseThrow());
            assertEquals(List.of(3), t.keys());
            assertThrows(IllegalArgumentException.class, () -> m.typed(MapCodec.u64(), MapCodec.u64()));
        }
    }

    @Test
    void queuePushPopIsFifo() {
        try (BpfMap q = BpfMap.create(kernel, MapSpec.queue("q", 8, 4))) {
            q.push(u64(1));
            q.push(u64(2));
            assertEquals(1, asU64(q.peek().orElseThrow()));
            assertEquals(1, asU64(q.pop().orElseThrow()));
            assertEquals(2, asU64(q.pop().orElseThrow()));
            assertTrue(q.pop().isEmpty());
        }
    }
}
