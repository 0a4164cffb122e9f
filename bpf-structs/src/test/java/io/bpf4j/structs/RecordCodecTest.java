package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.codec.Codec;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.TypedMap;
import io.bpf4j.syscall.testing.FakeKernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** One record declaration gives the layout and the decoded type; decode and encode are inverses. */
class RecordCodecTest {
    record Exec(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
                @Chars(16) String comm) {
    }

    record Hdr(@U32 long pid, @U16 int flags) {
    }

    record Everything(@U8 int u8, @S8 byte s8, @U16 int u16, @S16 short s16, @U32 long u32, @S32 int s32,
                      @U64 long u64, long s64, boolean flag, Hdr hdr, @Length(2) Hdr[] hdrs,
                      @U32 @Length(3) int[] vals, @S16 @Length(2) short[] shorts, @Length(2) long[] longs,
                      @U8 @Length(4) byte[] small, @Chars(6) byte[] raw, @Chars(8) String name) {
    }

    @Packed
    @CName("wire")
    record Wire(@U8 int tag, @U32 int len) {
    }

    record Self(@U32 int x, Self next) {
    }

    record NoLength(@U32 int[] vals) {
    }

    record TooNarrow(@U32 short pid) {
    }

    record BareString(String comm) {
    }

    @Test
    void recordGivesTheLabLayout() {
        StructLayout l = StructLayout.of(Exec.class);
        assertEquals(40, l.size());
        assertEquals(24, l.offset("comm"));
        assertEquals(LabEventTest.EXEC.fields().stream().map(Field::offset).toList(),
                l.fields().stream().map(Field::offset).toList());
        assertEquals("exec", l.cName());
        assertSame(l, StructLayout.of(Exec.class), "the mapping is computed once per type");
        assertSame(StructLayout.codec(Exec.class), StructLayout.codec(Exec.class));
    }

    @Test
    void decodesTheLabEventIntoTheRecordFromHeapAndDirectBuffersInBothOrders() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(100), ByteBuffer.allocateDirect(100)}) {
                buf.order(order);
                int at = 13;
                buf.putLong(at, -2L).putInt(at + 8, 4242).putInt(at + 12, 4240).putInt(at + 16, -1).putInt(at + 20, 1);
                buf.put(at + 24, "bash\0junk".getBytes());
                Exec e = StructLayout.codec(Exec.class).decode(buf, at);
                assertEquals(new Exec(-2L, 4242, 4240, -1, 1, "bash"), e);
                buf.position(at);
                assertEquals(e, StructLayout.codec(Exec.class).decode(buf));
                assertEquals(at, buf.position());
            }
        }
    }

    @Test
    void everyComponentKindRoundTrips() {
        RecordCodec<Everything> c = StructLayout.codec(Everything.class);
        Random rnd = new Random(42);
        for (int i = 0; i < 200; i++) {
            Everything v = new Everything(rnd.nextInt(256), (byte) rnd.nextInt(), rnd.nextInt(65536), (short) rnd.nextInt(),
                    rnd.nextInt() & 0xffff_ffffL, rnd.nextInt(), rnd.nextLong(), rnd.nextLong(), rnd.nextBoolean(),
                    new Hdr(rnd.nextInt() & 0xffff_ffffL, rnd.nextInt(65536)),
                    new Hdr[] {new Hdr(1, 2), new Hdr(0xffff_ffffL, 65535)},
                    new int[] {rnd.nextInt(), -1, 0}, new short[] {(short) -5, (short) 7}, new long[] {rnd.nextLong(), 3},
                    new byte[] {1, (byte) 200, 0, -1}, new byte[] {'a', 0, 'b', 0, 0, 'z'}, "héllo");
            ByteBuffer buf = (i % 2 == 0 ? ByteBuffer.allocate(c.size() + 8) : ByteBuffer.allocateDirect(c.size() + 8))
                    .order(i % 3 == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            c.encode(v, buf, 8);
            Everything back = c.decode(buf, 8);
            assertEquals(v.u8(), back.u8());
            assertEquals(v.s8(), back.s8());
            assertEquals(v.u16(), back.u16());
            assertEquals(v.s16(), back.s16());
            assertEquals(v.u32(), back.u32());
            assertEquals(v.s32(), back.s32());
            assertEquals(v.u64(), back.u64());
            assertEquals(v.s64(), back.s64());
            assertEquals(v.flag(), back.flag());
            assertEquals(v.hdr(), back.hdr());
            assertArrayEquals(v.hdrs(), back.hdrs());
            assertArrayEquals(v.vals(), back.vals());
            assertArrayEquals(v.shorts(), back.shorts());
            assertArrayEquals(v.longs(), back.longs());
            assertArrayEquals(v.small(), back.small());
            assertArrayEquals(v.raw(), back.raw());
            assertEquals(v.name(), back.name());
            // the generic decoder reads the same bytes the same way
            StructValue g = c.layout().decode(buf, 8);
            assertEquals(v.u32(), g.getLong("u32"));
            assertEquals(v.hdrs()[1].pid(), g.getLong("hdrs[1].pid"));
            assertEquals("héllo", g.getString("name"));
        }
    }

    @Test
    void unsignedComponentsWidenWithoutSignAndSignedOnesWithSign() {
        record Widths(@U8 long u8, @S8 long s8, @U32 long u32, @S32 long s32) {
        }
        RecordCodec<Widths> c = StructLayout.codec(Widths.class);
        ByteBuffer buf = ByteBuffer.allocate(c.size()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(0, (byte) 0xff).put(1, (byte) 0xff).putInt(4, -1).putInt(8, -1);
        assertEquals(new Widths(255, -1, 0xffff_ffffL, -1), c.decode(buf, 0));
    }

    @Test
    void encodingZeroesPaddingSoEqualKeysGiveEqualBytes() {
        RecordCodec<Hdr> c = StructLayout.codec(Hdr.class);
        ByteBuffer dirty = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        dirty.putLong(0, -1L);
        c.encode(new Hdr(7, 1), dirty, 0);
        assertArrayEquals(c.encode(new Hdr(7, 1)), dirty.array());
        assertEquals(0, dirty.getShort(6), "trailing padding zeroed");
    }

    @Test
    void packedRecordAndItsCTag() {
        StructLayout l = StructLayout.of(Wire.class);
        assertEquals(5, l.size());
        assertEquals(1, l.offset("len"));
        assertTrue(l.toC().startsWith("struct wire {"), l.toC());
        assertTrue(l.toC().contains("__attribute__((packed))"));
        RecordCodec<Wire> c = StructLayout.codec(Wire.class);
        assertEquals(new Wire(200, -7), c.decode(c.encode(new Wire(200, -7))));
    }

    @Test
    void badRecordDeclarationsAreNamedErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StructLayout.of(Self.class))
                .getMessage().contains("contains itself"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StructLayout.of(NoLength.class))
                .getMessage().contains("@Length(n)"));
        String narrow = assertThrows(IllegalArgumentException.class, () -> StructLayout.of(TooNarrow.class)).getMessage();
        assertTrue(narrow.contains("'pid'") && narrow.contains("cannot hold @U32"), narrow);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StructLayout.of(BareString.class))
                .getMessage().contains("@Chars(n)"));
    }

    @Test
    void encodingValuesThatDoNotFitNamesTheComponent() {
        RecordCodec<Exec> c = StructLayout.codec(Exec.class);
        String longName = assertThrows(IllegalArgumentException.class,
                () -> c.encode(new Exec(0, 0, 0, 0, 0, "a-name-of-seventeen"))).getMessage();
        assertTrue(longName.contains("Exec.comm") && longName.contains("char[16]"), longName);
        RecordCodec<Hdr> h = StructLayout.codec(Hdr.class);
        String tooBig = assertThrows(IllegalArgumentException.class, () -> h.encode(new Hdr(1L << 33, 0))).getMessage();
        assertTrue(tooBig.contains("Hdr.pid"), tooBig);
        String arr = assertThrows(IllegalArgumentException.class, () -> StructLayout.codec(Everything.class).encode(
                new Everything(0, (byte) 0, 0, (short) 0, 0, 0, 0, 0, false, new Hdr(0, 0), new Hdr[2],
                        new int[3], new short[2], new long[2], new byte[4], new byte[6], ""))).getMessage();
        assertTrue(arr.contains("Everything.hdrs[0] is null"), arr);
    }

    @Test
    void truncatedBufferIsAClearError() {
        RecordCodec<Exec> c = StructLayout.codec(Exec.class);
        String m = assertThrows(IllegalArgumentException.class, () -> c.decode(ByteBuffer.allocate(39), 0)).getMessage();
        assertTrue(m.contains("Exec needs 40 bytes at offset 0 but the buffer has 39"), m);
        m = assertThrows(IllegalArgumentException.class, () -> c.decode(ByteBuffer.allocate(64), 30)).getMessage();
        assertTrue(m.contains("at offset 30 but the buffer has 34"), m);
    }

    @Test
    void recordCodecServesAsTheValueCodecOfATypedMap() {
        RecordCodec<Hdr> c = StructLayout.codec(Hdr.class);
        try (BpfMap map = BpfMap.create(new FakeKernel(), MapSpec.hash("hdrs", 4, c.size(), 8))) {
            TypedMap<Integer, Hdr> byPid = map.typed(Codec.u32(), c);
            byPid.put(9, new Hdr(9, 3));
            assertEquals(new Hdr(9, 3), byPid.get(9).orElseThrow());
            assertEquals(8, map.valueSize());
            // the bytes in the map are the struct's, padding zeroed
            assertArrayEquals(c.encode(new Hdr(9, 3)), map.lookup(Codec.u32().encode(9)).orElseThrow());
        }
    }

    @Test
    void layoutValueCodecServesAsTheKeyCodecOfATypedMap() {
        StructLayout hdr = StructLayout.of(Hdr.class);
        Codec<StructValue> values = hdr.valueCodec();
        assertEquals(hdr.size(), values.size());
        try (BpfMap map = BpfMap.create(new FakeKernel(), MapSpec.hash("by_hdr", hdr.size(), 8, 8))) {
            TypedMap<StructValue, Long> counts = map.typed(values, Codec.u64());
            StructValue key = hdr.valueBuilder().set("pid", 7).set("flags", 2).build();
            counts.put(key, 70L);
            assertEquals(70L, counts.get(key).orElseThrow());
            assertEquals(List.of(key), counts.keys());
            assertEquals(new Hdr(7, 2), StructLayout.codec(Hdr.class).decode(map.keys().get(0)));
        }
    }
}
