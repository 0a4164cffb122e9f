package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.structs.Field;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.StructValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** BTF structs as StructLayouts, on the recorded clang blob (offsets as bpftool prints them). */
class BtfLayoutsTest {

    @Test
    void wholeStructKeepsTheKernelsOffsetsAndSize() throws IOException {
        Btf btf = Btf.parse(SampleBtfTest.sample());
        StructLayout t = btf.layout("task_struct");
        assertEquals(112, t.size());
        // flags_word stands for the anonymous union; start_time and end_time are lifted from the anonymous struct.
        assertEquals(List.of("state", "pid", "tgid", "flags_word", "start_time", "end_time", "real_parent", "name",
                "comm", "st", "load", "user_buf", "self", "callback", "opaque"),
                t.fields().stream().map(Field::name).collect(Collectors.toList()));
        assertEquals(0, t.offset("state"));
        assertEquals(12, t.offset("tgid"));
        assertEquals(16, t.offset("flags_word"));
        assertEquals(32, t.offset("end_time"));
        assertEquals(40, t.offset("real_parent"));
        assertEquals(56, t.offset("comm"));
        assertEquals(Field.Kind.CHARS, t.field("comm").kind());
        assertEquals(72, t.offset("st"));
        assertFalse(t.packed());
    }

    @Test
    void chosenMembersSitAtTheirOffsetsAndDecode() throws IOException {
        Btf btf = Btf.parse(SampleBtfTest.sample());
        StructLayout t = btf.layout("task_struct", "comm", "tgid", "flags.tail");
        assertEquals(List.of("tgid", "flags_tail", "comm"), t.fields().stream().map(Field::name).collect(Collectors.toList()));
        assertEquals(112, t.size());
        assertEquals(20, t.offset("flags_tail"));
        ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.nativeOrder());
        b.putInt(12, 4242).put(20, (byte) 7).put(56, "bash\0".getBytes(StandardCharsets.UTF_8));
        StructValue v = t.decode(b);
        assertEquals("bash", v.getString("comm"));
        assertEquals(4242, v.getLong("tgid"));
    }

    @Test
    void nestedStructMembersBecomeNestedLayouts() throws IOException {
        Btf btf = Btf.parse(SampleBtfTest.sample());
        StructLayout flags = btf.layout("flags");
        assertEquals(List.of("tail"), flags.fields().stream().map(Field::name).collect(Collectors.toList())); // bitfields left out
        assertEquals(8, flags.size());
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        int inner = w.struct("inner", false, 8, "a", i, 0, 0, "b", i, 32, 0);
        int arr = w.array(inner, i, 3);
        w.struct("outer", false, 32, "x", i, 0, 0, "in", arr, 32, 0);
        StructLayout outer = Btf.parse(w.bytes()).layout("outer");
        assertEquals(Field.Kind.STRUCT_ARRAY, outer.field("in").kind());
        assertEquals(4 + 8 + 4, outer.offset("in[1].b"));
    }

    @Test
    void overlappingOrBitfieldMembersAreRefused() throws IOException {
        Btf btf = Btf.parse(SampleBtfTest.sample());
        assertThrows(IllegalArgumentException.class, () -> btf.layout("task_struct", "flags_word", "flags"));
        assertThrows(IllegalArgumentException.class, () -> btf.layout("task_struct", "flags.mode"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> btf.layout("task_struct", "nope"))
                .getMessage().contains("nope"));
    }
}
