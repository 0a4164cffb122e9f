package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each kind of damage is reported as a {@link BtfFormatException} at the byte where it lies. */
class BtfMalformedTest {

    private static BtfFormatException fails(byte[] blob) {
        return assertThrows(BtfFormatException.class, () -> Btf.parse(blob).validate());
    }

    private static byte[] good() {
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        w.struct("pair", false, 8, "a", i, 0, 0, "b", i, 32, 0);
        return w.bytes();
    }

    private static void putInt(byte[] blob, int at, int value) {
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    // Layout of good(): header 0..24; int at 24 (16 bytes); struct at 40 (12 + 2*12); strings at 76.

    @Test
    void wrongMagicIsReportedAtByteZero() {
        byte[] b = good();
        b[0] = 0x7f;
        BtfFormatException e = fails(b);
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void unknownVersionIsReportedAtByteTwo() {
        byte[] b = good();
        b[2] = 2;
        assertEquals(2, fails(b).offset());
    }

    @Test
    void blobShorterThanTheHeaderIsReportedAtItsEnd() {
        assertEquals(10, fails(Arrays.copyOf(good(), 10)).offset());
    }

    @Test
    void truncatedBlobIsReportedAtTheSectionLengthField() {
        byte[] b = good();
        assertEquals(20, fails(Arrays.copyOf(b, b.length - 3)).offset()); // strings now end past the blob
        byte[] c = good();
        putInt(c, 12, 4000);                                              // type_len past the end
        assertEquals(12, fails(c).offset());
    }

    @Test
    void unknownKindIsReportedAtItsInfoWord() {
        byte[] b = good();
        putInt(b, 40 + 4, 25 << 24 | 2);
        BtfFormatException e = fails(b);
        assertEquals(44, e.offset());
        assertTrue(e.getMessage().contains("unknown kind 25"), e.getMessage());
    }

    @Test
    void recordRunningPastTheTypeSectionIsReportedAtItsStart() {
        byte[] b = good();
        putInt(b, 40 + 4, 4 << 24 | 3); // struct claims 3 members, has room for 2
        assertEquals(40, fails(b).offset());
    }

    @Test
    void memberTypeIdOutOfRangeIsReportedAtTheMember() {
        byte[] b = good();
        putInt(b, 40 + 12 + 12 + 4, 99); // second member's type
        BtfFormatException e = fails(b);
        assertEquals(68, e.offset());
        assertTrue(e.getMessage().contains("type id 99"), e.getMessage());
    }

    @Test
    void nameOffsetPastTheStringsIsReportedWhereItIsRead() {
        byte[] b = good();
        putInt(b, 24, 5000);
        assertEquals(24, fails(b).offset());
    }

    @Test
    void typedefLoopIsAnErrorNotAHang() {
        BtfBlobWriter w = new BtfBlobWriter();
        w.typedef("a_t", 2);
        w.typedef("b_t", 1);
        Btf btf = Btf.parse(w.bytes());
        BtfFormatException e = assertThrows(BtfFormatException.class, () -> btf.resolveId(1));
        assertEquals(24, e.offset());
        assertThrows(BtfFormatException.class, () -> btf.sizeOf(2));
        assertEquals("a_t", btf.typeName(1)); // a typedef is spelled by its name: no need to follow it
    }

    @Test
    void structContainingItselfAnonymouslyIsAnErrorNotAHang() {
        BtfBlobWriter w = new BtfBlobWriter();
        w.struct("loop", false, 8, "", 1, 0, 0, "", 1, 0, 0);
        Btf btf = Btf.parse(w.bytes());
        assertThrows(BtfFormatException.class, () -> btf.offsetOf("loop", "x"));
    }

    @Test
    void prototypeLoopIsAnErrorNotAHang() {
        BtfBlobWriter w = new BtfBlobWriter();
        w.ptr(2);                                                   // 1: pointer to the prototype
        w.funcProto(1, "a", 1, "b", 1, "c", 1, "d", 1);              // 2: returns and takes pointers to itself
        Btf btf = Btf.parse(w.bytes());
        assertThrows(BtfFormatException.class, () -> btf.typeName(2));
    }

    @Test
    void errorsInLaterRecordsSurfaceWhenTheyAreReached() {
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        w.struct("first", false, 4, "x", i, 0, 0);
        for (int n = 0; n < 5000; n++) {                            // more than one chunk of the index
            w.ptr(i);
        }
        w.raw(0, 31 << 24, 0);                                      // kind 31: unknown
        Btf btf = Btf.parse(w.bytes());                             // loading walks only what lookups need
        assertEquals(0, btf.offsetOf("first", "x"));
        assertThrows(BtfFormatException.class, btf::typeCount);
        assertThrows(BtfFormatException.class, btf::validate);
        assertThrows(BtfFormatException.class, () -> btf.findId("missing", BtfKind.STRUCT));
    }
}
