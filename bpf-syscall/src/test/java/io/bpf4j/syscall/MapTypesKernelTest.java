package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU32;
import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static io.bpf4j.syscall.KernelFixtures.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Round trips through every map type issue 3 lists, on the running kernel. */
@KernelTest
class MapTypesKernelTest {

    private static void roundTrip(BpfMap m) {
        m.update(u32(1), u64(11));
        m.update(u32(2), u64(22));
        assertEquals(11, asU64(m.lookup(u32(1)).orElseThrow()));
        Set<Integer> keys = new HashSet<>();
        m.keys().forEach(k -> keys.add(asU32(k)));
        assertTrue(keys.containsAll(Set.of(1, 2)), keys.toString());
    }

    @Test
    void hashLruHashRoundTripWithIterationDeleteAndLookupAndDelete() {
        for (MapSpec spec : List.of(MapSpec.hash("t_hash", 4, 8, 8), MapSpec.lruHash("t_lru", 4, 8, 8))) {
            try (BpfMap m = BpfMap.create(spec)) {
                roundTrip(m);
                assertEquals(2, m.keys().size());
                assertEquals(22, asU64(m.lookupAndDelete(u32(2)).orElseThrow()));
                assertTrue(m.lookup(u32(2)).isEmpty());
                assertTrue(m.delete(u32(1)));
                assertEquals(List.of(), m.keys());
                assertEquals(spec.type(), m.info().type());
            }
        }
    }

    @Test
    void arrayHoldsZeroedSlotsAndRejectsOutOfRangeIndex() {
        try (BpfMap m = BpfMap.create(MapSpec.array("t_array", 8, 4))) {
            assertEquals(0, asU64(m.lookup(u32(3)).orElseThrow()));
            roundTrip(m);
            assertTrue(m.lookup(u32(4)).isEmpty());
            BpfException e = assertThrows(BpfException.class, () -> m.update(u32(4), u64(1)));
            assertEquals(Errno.E2BIG, e.errno());
        }
    }

    @Test
    void perCpuMapsCarryOneValuePerPossibleCpu() {
        int cpus = Cpus.possibleCount();
        List<byte[]> values = new ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            values.add(u64(100 + c));
        }
        for (MapSpec spec : List.of(MapSpec.perCpuHash("t_pc_hash", 4, 8, 4), MapSpec.perCpuArray("t_pc_array", 8, 4),
                MapSpec.lruPerCpuHash("t_pc_lru", 4, 8, 4))) {
            try (BpfMap m = BpfMap.create(spec)) {
                m.updatePerCpu(u32(1), values, BpfMap.ANY);
                List<byte[]> back = m.lookupPerCpu(u32(1)).orElseThrow();
                assertEquals(cpus, back.size());
                for (int c = 0; c < cpus; c++) {
                    assertEquals(100 + c, asU64(back.get(c)), spec.type() + " cpu " + c);
                }
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.lookup(u32(1)));
                assertTrue(e.getMessage().contains("per-CPU"), e.getMessage());
            }
        }
    }

    @Test
    void batchUpdateLookupAndDeleteCoverEveryEntry() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("t_batch", 4, 8, 256))) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                keys.add(u32(i));
                values.add(u64(i * 3L));
            }
            assertEquals(100, m.updateBatch(keys, values, BpfMap.ANY));
            List<BpfMap.Entry> all = m.lookupBatch(7);
            assertEquals(100, all.size());
            for (BpfMap.Entry e : all) {
                assertEquals(asU32(e.key()) * 3L, asU64(e.value()));
            }
            assertEquals(50, m.deleteBatch(keys.subList(0, 50)));
            List<BpfMap.Entry> rest = m.lookupAndDeleteBatch(16);
            assertEquals(50, rest.size());
            assertEquals(List.of(), m.keys());
        }
        try (BpfMap pc = BpfMap.create(MapSpec.perCpuArray("t_batch_pc", 8, 10))) {
            List<BpfMap.Entry> all = pc.lookupBatch(4);
            assertEquals(10, all.size());
            assertEquals(8 * Cpus.possibleCount(), all.get(0).value().length);
        }
    }

    @Test
    void queueIsFifoAndStackIsLifo() {
        try (BpfMap q = BpfMap.create(MapSpec.queue("t_queue", 8, 4));
             BpfMap s = BpfMap.create(MapSpec.stack("t_stack", 8, 4))) {
            for (long v = 1; v <= 3; v++) {
                q.push(u64(v));
                s.push(u64(v));
            }
            assertEquals(1, asU64(q.peek().orElseThrow()));
            assertEquals(1, asU64(q.pop().orElseThrow()));
            assertEquals(3, asU64(s.pop().orElseThrow()));
            assertEquals(2, asU64(s.pop().orElseThrow()));
        }
    }

    @Test
    void lpmTrieFindsTheLongestMatchingPrefix() {
        try (BpfMap trie = BpfMap.create(MapSpec.lpmTrie("t_lpm", 4, 8, 16))) {
            trie.update(prefix(8, 10, 0, 0, 0), u64(8));
            trie.update(prefix(16, 10, 1, 0, 0), u64(16));
            assertEquals(16, asU64(trie.lookup(prefix(32, 10, 1, 2, 3)).orElseThrow()));
            assertEquals(8, asU64(trie.lookup(prefix(32, 10, 9, 2, 3)).orElseThrow()));
            assertTrue(trie.lookup(prefix(32, 11, 0, 0, 1)).isEmpty());
        }
    }

    /** {@code struct bpf_lpm_trie_key}: u32 prefix length (host order), then the address bytes. */
    private static byte[] prefix(int bits, int a, int b, int c, int d) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(bits)
                .put((byte) a).put((byte) b).put((byte) c).put((byte) d).array();
    }

    @Test
    void bloomFilterRemembersWhatWasPushed() {
        try (BpfMap bloom = BpfMap.create(MapSpec.bloomFilter("t_bloom", 8, 100, 3))) {
            bloom.push(u64(0xfeed));
            assertTrue(bloom.mightContain(u64(0xfeed)));
            assertFalse(bloom.mightContain(u64(0xbeef)));
            assertEquals(3, bloom.info().mapExtra());
        }
    }

    @Test
    void mapInMapStoresInnerMapsAndReadsBackTheirIds() {
        MapSpec inner = MapSpec.array("t_inner", 8, 2);
        try (BpfMap outer = BpfMap.create(MapSpec.arrayOfMaps("t_aom", 2, inner));
             BpfMap hom = BpfMap.create(MapSpec.hashOfMaps("t_hom", 4, 2, inner));
             BpfMap one = BpfMap.create(inner)) {
            outer.update(u32(0), u32(one.fd()));
            assertEquals(one.info().id(), asU32(outer.lookup(u32(0)).orElseThrow()));
            hom.update(u32(9), u32(one.fd()));
            assertEquals(one.info().id(), asU32(hom.lookup(u32(9)).orElseThrow()));
        }
    }

    @Test
    void progArrayTakesProgramFdsAndStackTraceAndPerfEventArrayAndRingBufferAreCreated() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfMap progs = BpfMap.create(MapSpec.progArray("t_progs", 4));
             BpfProgram prog = BpfProgram.load(ProgramSpec.socketFilter("t_tail", p))) {
            progs.update(u32(1), u32(prog.fd()));
            assertTrue(progs.delete(u32(1)));
            assertFalse(progs.delete(u32(1)));
        }
        try (BpfMap stacks = BpfMap.create(MapSpec.stackTrace("t_stacks", 16, 64));
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("t_perf"));
             BpfMap ring = BpfMap.create(MapSpec.ringBuf("t_ring", 4096))) {
            assertTrue(stacks.lookup(u32(1)).isEmpty());
            assertEquals(128, stacks.info().valueSize());
            assertEquals(Cpus.possibleCount(), perf.info().maxEntries());
            assertEquals(MapType.RINGBUF, ring.info().type());
        }
    }

    @Test
    void frozenMapRefusesUserSpaceWrites() {
        try (BpfMap m = BpfMap.create(MapSpec.array("t_frozen", 8, 1))) {
            m.update(u32(0), u64(5));
            m.freeze();
            BpfException e = assertThrows(BpfException.class, () -> m.update(u32(0), u64(6)));
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("frozen"), e.getMessage());
            assertArrayEquals(u64(5), m.lookup(u32(0)).orElseThrow());
        }
    }
}
