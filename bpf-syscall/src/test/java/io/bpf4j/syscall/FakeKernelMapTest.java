package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static io.bpf4j.syscall.KernelFixtures.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.codec.Codec;
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
            TypedMap<Integer, Long> t = m.typed(Codec.u32(), Codec.u64());
            t.put(3, 33L);
            t.put(-1, Long.MIN_VALUE);
            assertEquals(33L, t.get(3).orElseThrow());
            assertEquals(Long.MIN_VALUE, t.get(-1).orElseThrow());
            assertTrue(t.get(4).isEmpty());
            assertArrayEquals(u64(33L), m.lookup(u32(3)).orElseThrow());     // the bytes a program sees
            assertEquals(Set.of(3, -1), new java.util.HashSet<>(t.keys()));
            assertTrue(t.remove(3));
            assertTrue(t.get(3).isEmpty());
            String wrong = assertThrows(IllegalArgumentException.class, () -> m.typed(Codec.u64(), Codec.u64())).getMessage();
            assertTrue(wrong.contains("key codec is 8 bytes: expected 4 (key_size)"), wrong);
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
