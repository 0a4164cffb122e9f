package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Encode then decode gives back the same value, over random layouts and random values, in heap
 * and direct buffers, at random offsets and positions, in both byte orders; the flyweight and the
 * pre-resolved fields read the same numbers. The seed is printed (rerun with -Dbpf4j.seed=N).
 */
class RoundTripPropertyTest {
    @Test
    void encodeThenDecodeIsIdentityOverRandomLayoutsAndValues() {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("RoundTripPropertyTest seed=" + seed + " (rerun with -Dbpf4j.seed=" + seed + ")");
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            StructLayout l = RandomLayouts.layout(rnd, "T" + round, 2);
            StructValue v = RandomLayouts.value(rnd, l);
            ByteOrder order = rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            int offset = rnd.nextInt(24);
            int cap = offset + l.size() + rnd.nextInt(8);
            ByteBuffer buf = (rnd.nextBoolean() ? ByteBuffer.allocateDirect(cap) : ByteBuffer.allocate(cap)).order(order);
            String ctx = "seed " + seed + " round " + round + " " + l + " " + order + " offset " + offset;

            l.encode(v, buf, offset);
            StructValue back = l.decode(buf, offset);
            assertEquals(v, back, ctx);
            assertEquals(v.toString(), back.toString(), ctx);
            assertArrayEquals(v.toByteArray(order), back.toByteArray(order), ctx);

            buf.position(offset);
            assertEquals(v, l.valueCodec().decode(buf), ctx);
            assertEquals(offset, buf.position(), ctx);

            StructView view = l.view().wrap(buf, offset);
            for (Map.Entry<String, Field> e : l.fieldsByPath().entrySet()) {
                Field f = e.getValue();
                if (f.isScalar()) {
                    long expected = v.getLong(e.getKey());
                    assertEquals(expected, view.getLong(e.getKey()), ctx + " " + e.getKey());
                    assertEquals(expected, f.getLong(buf, offset), ctx + " " + e.getKey());
                } else if (f.kind() == Field.Kind.CHARS) {
                    assertEquals(v.getString(e.getKey()), view.getString(e.getKey()), ctx + " " + e.getKey());
                    assertArrayEquals(v.getBytes(e.getKey()), f.getBytes(buf, offset), ctx + " " + e.getKey());
                }
            }
        }
    }

    @Test
    void putThroughFieldsThenReadBackGivesTheSameNumbers() {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("RoundTripPropertyTest fields seed=" + seed);
        Random rnd = new Random(seed);
        for (int round = 0; round < 100; round++) {
            StructLayout l = RandomLayouts.layout(rnd, "F" + round, 1);
            ByteBuffer buf = ByteBuffer.allocate(l.size() + 16).order(rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            int base = rnd.nextInt(16);
            StructValue.Builder expected = l.valueBuilder();
            for (Map.Entry<String, Field> e : l.fieldsByPath().entrySet()) {
                Field f = e.getValue();
                if (f.isScalar()) {
                    long x = RandomLayouts.scalar(rnd, f.type());
                    f.putLong(buf, base, x);
                    expected.set(e.getKey(), x);
                } else if (f.kind() == Field.Kind.ARRAY) {
                    for (int i = 0; i < f.count(); i++) {
                        long x = RandomLayouts.scalar(rnd, f.type());
                        f.putLong(buf, base, i, x);
                        expected.set(e.getKey() + "[" + i + "]", x);
                        assertEquals(x, f.getLong(buf, base, i), "seed " + seed);
                    }
                } else if (f.kind() == Field.Kind.CHARS) {
                    String s = "x".repeat(rnd.nextInt(f.count() + 1));
                    f.putString(buf, base, s);
                    expected.set(e.getKey(), s);
                }
            }
            assertEquals(expected.build(), l.decode(buf, base), "seed " + seed + " " + l);
        }
    }
}
