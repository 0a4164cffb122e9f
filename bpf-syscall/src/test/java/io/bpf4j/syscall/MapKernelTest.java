package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static io.bpf4j.syscall.KernelFixtures.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.testing.KernelTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@KernelTest
class MapKernelTest {

    @Test
    void hashMapRoundTripsUpdateLookupDelete() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("rt_hash", 4, 8, 16))) {
            assertTrue(m.lookup(u32(7)).isEmpty());
            m.update(u32(7), u64(42));
            assertEquals(42, asU64(m.lookup(u32(7)).orElseThrow()));
            assertTrue(m.delete(u32(7)));
            assertFalse(m.delete(u32(7)));
            assertTrue(m.lookup(u32(7)).isEmpty());
        }
    }

    @Test
    void updateFlagsNoexistAndExistAreEnforcedWithNamedErrors() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("rt_flags", 4, 8, 16))) {
            BpfException absent = assertThrows(BpfException.class, () -> m.update(u32(1), u64(1), BpfMap.EXIST));
            assertEquals(Errno.ENOENT, absent.errno());
            m.update(u32(1), u64(1), BpfMap.NOEXIST);
            BpfException exists = assertThrows(BpfException.class, () -> m.update(u32(1), u64(2), BpfMap.NOEXIST));
            assertEquals(Errno.EEXIST, exists.errno());
            assertTrue(exists.getMessage().contains("EEXIST"), exists.getMessage());
        }
    }

    @Test
    void ringBufferMapIsCreatedAndReportsItsTypeAndSize() {
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuf("rt_ring", 64 * 1024))) {
            assertTrue(ring.fd() > 0);
            MapInfo info = ring.info();
            assertEquals(MapType.RINGBUF, info.type());
            assertEquals(64 * 1024, info.maxEntries());
            assertEquals("rt_ring", info.name());
        }
    }

    @Test
    void arrayKeysIterateInIndexOrder() {
        try (BpfMap m = BpfMap.create(MapSpec.array("rt_array", 8, 3))) {
            List<byte[]> keys = m.keys();
            assertEquals(3, keys.size());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(u32(i), keys.get(i));
            }
        }
    }

    @Test
    void aBatchChunkOfIntegerMaxValueReadsEverythingWithoutOverflow() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("rt_batch", 4, 8, 64))) {
            for (int i = 0; i < 10; i++) {
                m.update(u32(i), u64(i * 3L));
            }
            List<BpfMap.Entry> all = m.lookupBatch(Integer.MAX_VALUE);
            assertEquals(10, all.size());
            for (BpfMap.Entry e : all) {
                assertEquals(3L * KernelFixtures.asU32(e.key()), asU64(e.value()));
            }
            assertEquals(10, m.lookupAndDeleteBatch(Integer.MAX_VALUE).size());
            assertTrue(m.keys().isEmpty());
        }
    }
}
