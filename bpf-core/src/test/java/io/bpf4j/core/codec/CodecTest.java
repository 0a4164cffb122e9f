package io.bpf4j.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecTest {
    @Test
    void classExampleRoundTripsAndLeavesThePositionAlone() {
        Codec<Long> u64 = Codec.u64();
        byte[] key = u64.encode(42L);
        assertEquals(8, key.length);
        assertEquals(42L, u64.decode(key));

        ByteBuffer buf = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        u64.encode(7L, buf, 8);
        assertEquals(0, buf.position());
        assertEquals(7L, u64.decode(buf, 8));
        assertEquals(7L, buf.getLong(8));

        Codec<Integer> pid = Codec.u32();   // package example
        assertEquals(4242, pid.decode(pid.encode(4242)));
    }

    @Test
    void byteArrayFormsUseTheHostOrderAndBufferFormsTheBuffersOrder() {
        byte[] host = Codec.u32().encode(0x01020304);
        assertEquals(0x01020304, ByteBuffer.wrap(host).order(ByteOrder.nativeOrder()).getInt());
        ByteBuffer big = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
        Codec.u32().encode(0x01020304, big, 0);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, big.array());
        ByteBuffer little = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        Codec.u32().encode(0x01020304, little, 0);
        assertArrayEquals(new byte[] {4, 3, 2, 1}, little.array());
    }

    @Test
    void positionFormsReadAndWriteAtThePositionWithoutMovingIt() {
        ByteBuffer buf = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        buf.position(4);
        Codec.u64().encode(-2L, buf);
        assertEquals(4, buf.position());
        assertEquals(-2L, buf.getLong(4));
        assertEquals(-2L, Codec.u64().decode(buf));
        assertEquals(4, buf.position());
    }

    @Test
    void scalarsAndBytesRoundTripAtRandomOffsets() {
        long seed = System.nanoTime();
        System.out.println("CodecTest seed: " + seed);
        Random rnd = new Random(seed);
        ByteBuffer buf = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 10_000; i++) {
            int at = rnd.nextInt(64 - 24);
            int i32 = rnd.nextInt();
            long i64 = rnd.nextLong();
            byte[] raw = new byte[1 + rnd.nextInt(24)];
            rnd.nextBytes(raw);
            Codec.u32().encode(i32, buf, at);
            assertEquals(i32, Codec.u32().decode(buf, at), "seed " + seed);
            assertEquals(i32, Codec.u32().decode(Codec.u32().encode(i32)), "seed " + seed);
            Codec.u64().encode(i64, buf, at);
            assertEquals(i64, Codec.u64().decode(buf, at), "seed " + seed);
            Codec<byte[]> bytes = Codec.bytes(raw.length);
            bytes.encode(raw, buf, at);
            assertArrayEquals(raw, bytes.decode(buf, at), "seed " + seed);
            assertArrayEquals(raw, bytes.decode(bytes.encode(raw)), "seed " + seed);
        }
        assertEquals(0, buf.position());
    }

    @Test
    void sizesAreFixedAndScalarCodecsShared() {
        assertEquals(4, Codec.u32().size());
        assertEquals(8, Codec.u64().size());
        assertEquals(40, Codec.bytes(40).size());
        assertSame(Codec.u32(), Codec.u32());
        assertEquals("Codec.bytes(3)", Codec.bytes(3).toString());
    }

    @Test
    void bytesOfTheWrongLengthOrAnEmptyCodecAreRefusedWithTheNumbers() {
        assertEquals("Codec.bytes(4): cannot encode 3 bytes: expected exactly 4",
                assertThrows(IllegalArgumentException.class, () -> Codec.bytes(4).encode(new byte[3])).getMessage());
        assertEquals("Codec.bytes(0): expected a length of at least 1 byte",
                assertThrows(IllegalArgumentException.class, () -> Codec.bytes(0)).getMessage());
    }
}
