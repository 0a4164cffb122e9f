package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every kind of bad input is an exception whose message says what is wrong and where. */
class BadInputTest {
    static final StructLayout EXEC = LabEventTest.EXEC;

    private static String error(Executable e) {
        return assertThrows(RuntimeException.class, e).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void truncatedBuffersAreRejectedBeforeAnyRead() {
        assertMentions(error(() -> EXEC.decode(ByteBuffer.allocate(39))),
                "ProcessExecEvent needs 40 bytes at offset 0 but the buffer has 39", "truncated");
        ByteBuffer buf = ByteBuffer.allocate(64);
        buf.position(30);
        assertMentions(error(() -> EXEC.decode(buf)), "at offset 30 but the buffer has 34");
        assertMentions(error(() -> EXEC.view().wrap(ByteBuffer.allocateDirect(20), 0)), "needs 40 bytes", "has 20");
        assertMentions(error(() -> EXEC.decode(new byte[10])), "has 10");
        assertMentions(error(() -> EXEC.encode(EXEC.valueBuilder().build(), ByteBuffer.allocate(40), 1)), "has 39");
    }

    @Test
    void unknownFieldsSuggestNearNames() {
        assertMentions(error(() -> EXEC.offset("pdi")), "ProcessExecEvent has no field 'pdi'", "did you mean 'pid'");
        assertMentions(error(() -> EXEC.store("comn", Reg.R0, Reg.R1)), "no field 'comn'", "'comm'");
        assertMentions(error(() -> EXEC.field("xyzzy")), "fields: timestamp, pid, tgid, uid, ppid, comm");
        StructLayout hdr = StructLayout.builder("Hdr").u32("pid").build();
        StructLayout outer = StructLayout.builder("Outer").struct("hdr", hdr).build();
        assertMentions(error(() -> outer.offset("hdr.ppid")), "struct Hdr (Outer.hdr) has no field 'ppid'", "'pid'");
        assertMentions(error(() -> outer.offset("hdr.pid.x")), "Outer.hdr.pid is u32: it has no field 'x'");
        assertMentions(error(() -> EXEC.offset("pid[0]")), "not an array");
        assertMentions(error(() -> EXEC.offset("comm[16]")), "index 16 out of range 0..15");
        assertMentions(error(() -> EXEC.offset("comm[-1]")), "index -1 out of range 0..15");
        assertMentions(error(() -> EXEC.offset("comm[x]")), "malformed index");
        assertMentions(error(() -> EXEC.offset("comm[1")), "malformed field path");
        assertMentions(error(() -> EXEC.offset(null)), "field path is null");
    }

    @Test
    void duplicateNamesAreRejected() {
        assertMentions(error(() -> StructLayout.builder("Dup").u32("pid").u64("x").u16("pid")),
                "struct Dup: duplicate field name 'pid'");
    }

    @Test
    void zeroLengthAndNegativeArraysAreRejected() {
        assertMentions(error(() -> StructLayout.builder("Z").chars("comm", 0)), "'comm' has length 0", "zero-length");
        assertMentions(error(() -> StructLayout.builder("Z").array("v", ScalarType.U32, -1)), "'v' has length -1");
        StructLayout hdr = StructLayout.builder("Hdr").u32("pid").build();
        assertMentions(error(() -> StructLayout.builder("Z").structArray("h", hdr, 0)), "'h' has length 0");
    }

    @Test
    void namesMustBeCIdentifiersAndStructsNonEmpty() {
        assertMentions(error(() -> StructLayout.builder("E").u32("hdr.pid")), "'hdr.pid' is not a C identifier");
        assertMentions(error(() -> StructLayout.builder("E").u32("int")), "C keyword");
        assertMentions(error(() -> StructLayout.builder("1abc")), "not a C identifier");
        assertMentions(error(() -> StructLayout.builder("Empty").build()), "struct Empty has no fields");
    }

    @Test
    void typeNamesAreLegalMemberNamesAsInTheKernelsOwnStructs() {
        // Linux 6.1's SELinux struct cond_expr_node has a member named bool.
        StructLayout node = StructLayout.builder("cond_expr_node").u32("expr_type").u32("bool").build();
        assertEquals(4, node.offset("bool"));
        assertEquals(8, StructLayout.builder("E").u32("__u32").u32("true").build().size());
    }

    @Test
    void explicitOffsetsAndSizesMustBeConsistent() {
        assertMentions(error(() -> StructLayout.builder("E").u64("a").at(4).u32("b").build()),
                "'b' at offset 4 overlaps the previous field, which ends at 8");
        assertMentions(error(() -> StructLayout.builder("E").u8("a").at(2).u32("b").build()),
                "not a multiple of its alignment 4");
        assertMentions(error(() -> StructLayout.builder("E").u64("a").size(4).build()), "smaller than its fields");
        assertMentions(error(() -> StructLayout.builder("E").u64("a").size(12).build()), "not a multiple of its alignment 8");
        assertEquals(3, StructLayout.builder("E").packed().u8("a").at(2).u8("b").build().size());
    }

    @Test
    void structLargerThanTheBpfStackCannotGoOnIt() {
        StructLayout big = StructLayout.builder("Big").chars("buf", 600).build();
        assertMentions(error(big::onStack), "Big is 600 bytes", "512-byte BPF stack", "ring-buffer record");
        assertMentions(error(big::stackOffset), "512-byte BPF stack");
        StructLayout half = StructLayout.builder("Half").chars("buf", 300).build();
        StackSlot first = half.onStack();
        assertEquals(-304, first.offset());
        assertMentions(error(() -> half.onStack(first.bytesUsed())), "304 bytes of the stack are already used");
        assertEquals(-512, StructLayout.builder("Full").chars("b", 512).build().stackOffset());
    }

    @Test
    void structLargerThanARingBufferRecordMayBeIsRejected() {
        assertEquals(40, EXEC.ringBufferReserveSize(4096));
        assertEquals(40, EXEC.ringBufferReserveSize(64), "40 + 8-byte header = 48 fits a 64-byte ring");
        assertMentions(error(() -> EXEC.ringBufferReserveSize(32)),
                "ProcessExecEvent is 40 bytes (48 with the 8-byte record header", "ring buffer of 32 bytes");
        assertMentions(error(() -> EXEC.ringBufferReserveSize(1000)), "not a power of 2");
        StructLayout huge = StructLayout.builder("Huge").array("v", ScalarType.U64, 150_000_000).build();
        assertMentions(error(() -> huge.ringBufferReserveSize(1L << 32)), "at most " + io.bpf4j.core.RingBufRecord.MAX_SAMPLE_SIZE);
    }

    @Test
    void wrongWidthUnknownKindAndMisalignedAccessesNameStructAndField() {
        assertMentions(error(() -> EXEC.store("pid", Reg.R0, Reg.R8, Size.DW)),
                "ProcessExecEvent.pid is u32 (4 bytes) but the store is 8 bytes wide", "overwrite");
        assertEquals(Size.W, ((io.bpf4j.core.StoreInsn) EXEC.store("pid", Reg.R0, Reg.R8, Size.W)).size());
        assertMentions(error(() -> EXEC.store("comm", Reg.R0, Reg.R8)),
                "ProcessExecEvent.comm is char[16]", "addressOf");
        assertMentions(error(() -> EXEC.load(Reg.R1, Reg.R0, "comm")), "ProcessExecEvent.comm is char[16]");
        StructLayout packed = StructLayout.builder("Wire").packed().u8("tag").u32("len").build();
        assertMentions(error(() -> packed.store("len", Reg.R0, Reg.R1)),
                "Wire.len (u32) is at offset 1, not a multiple of 4", "misaligned store", "packed");
        assertMentions(error(() -> packed.load(Reg.R1, Reg.R0, "len")), "misaligned load");
        assertMentions(error(() -> EXEC.storeImm("pid", Reg.R0, 1L << 32)),
                "ProcessExecEvent.pid is u32: immediate 4294967296 does not fit in 4 bytes");
        assertMentions(error(() -> EXEC.storeImm("timestamp", Reg.R0, 1L << 40)), "not a signed 32-bit value");
        StructLayout narrow = StructLayout.builder("N").u8("b").build();
        assertMentions(error(() -> narrow.storeImm("b", Reg.R0, 256)), "N.b is u8: immediate 256 does not fit in 1 byte");
        assertMentions(error(() -> EXEC.zero(Reg.R0, "comm", "pid")), "is empty");
        StructLayout far = StructLayout.builder("Far").chars("pad", 40000).u32("x").build();
        assertMentions(error(() -> far.store("x", Reg.R0, Reg.R1)), "Far.x: offset 40000", "signed 16-bit");
    }

    @Test
    void valuesOutOfRangeAndWrongKindsAreRejected() {
        assertMentions(error(() -> EXEC.valueBuilder().set("pid", -1L << 40)), "ProcessExecEvent.pid (u32)", "does not fit");
        assertMentions(error(() -> EXEC.valueBuilder().set("comm", "x".repeat(17))), "17 bytes", "char[16]");
        assertMentions(error(() -> EXEC.valueBuilder().set("comm", 5)), "not an integer");
        assertMentions(error(() -> EXEC.decode(new byte[40]).getString("pid")), "not a char[n]");
        assertMentions(error(() -> EXEC.decode(new byte[40]).getInt("timestamp")), "use getLong");
        // pre-resolved fields leave bounds to the buffer (wrap/decode check them once per record)
        assertThrows(IndexOutOfBoundsException.class, () -> EXEC.field("pid").getInt(ByteBuffer.allocate(4), 0));
    }

    @Test
    void valuesThatDifferInOneFieldAreNotEqual() {
        StructValue a = EXEC.valueBuilder().set("pid", 1).set("comm", "a").build();
        StructValue b = EXEC.valueBuilder().set("pid", 2).set("comm", "a").build();
        StructValue c = EXEC.valueBuilder().set("pid", 1).setBytes("comm", "a\0b\0\0\0\0\0\0\0\0\0\0\0\0\0".getBytes()).build();
        assertNotEquals(a, b);
        assertNotEquals(a, c, "bytes after the NUL count");
        assertEquals(a, EXEC.valueBuilder().set("comm", "a").set("pid", 1).build());
    }
}
