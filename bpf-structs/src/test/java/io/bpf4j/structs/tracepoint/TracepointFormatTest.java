package io.bpf4j.structs.tracepoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.structs.Field;
import io.bpf4j.structs.ScalarType;
import io.bpf4j.structs.StructLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Recorded format files (see src/test/resources/tracepoint/SOURCES.md) parsed with the kernel's offsets. */
class TracepointFormatTest {

    static String resource(String name) throws IOException {
        try (InputStream in = TracepointFormatTest.class.getResourceAsStream("/tracepoint/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /tracepoint/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static TracepointFormat exec() throws IOException {
        return TracepointFormat.parse(resource("sched_process_exec.format"));
    }

    @Test
    void schedProcessExecHasTheCommonHeaderAndADataLocFilename() throws IOException {
        TracepointFormat f = exec();
        assertEquals("sched_process_exec", f.name());
        assertEquals(365, f.id());
        assertEquals(List.of("common_type", "common_flags", "common_preempt_count", "common_pid", "filename", "pid",
                "old_pid"), f.fields().stream().map(TracepointField::name).collect(Collectors.toList()));
        assertEquals(new TracepointField("unsigned short common_type", "unsigned short", "common_type", 0, 2, false,
                -1, TracepointField.Kind.PLAIN, true), f.field("common_type"));
        assertEquals(new TracepointField("__data_loc char[] filename", "char[]", "filename", 8, 4, false, -1,
                TracepointField.Kind.DATA_LOC, false), f.field("filename"));
        assertTrue(f.field("filename").isString());
        assertEquals(new TracepointField("pid_t pid", "pid_t", "pid", 12, 4, true, -1, TracepointField.Kind.PLAIN,
                false), f.field("pid"));
        assertEquals(16, f.field("old_pid").offset());
        assertEquals(20, f.size());
        assertEquals(3, f.eventFields().size());
        assertTrue(f.printFormat().startsWith("\"filename=%s"));
    }

    @Test
    void arraysPointersAndFlexibleArrays() throws IOException {
        TracepointFormat sw = TracepointFormat.parse(resource("sched_switch.format"));
        TracepointField prev = sw.field("prev_comm");
        assertEquals(TracepointField.Kind.ARRAY, prev.kind());
        assertEquals("char", prev.type());
        assertEquals(16, prev.arrayLength());
        assertEquals(8, prev.offset());
        assertEquals(56, sw.field("next_pid").offset());

        TracepointFormat execve = TracepointFormat.parse(resource("sys_enter_execve.format"));
        TracepointField argv = execve.field("argv");
        assertEquals("const char *const *", argv.type());
        assertEquals(24, argv.offset());
        assertEquals(8, argv.size());
        assertEquals(TracepointField.Kind.PLAIN, argv.kind());
        assertEquals("const char *", execve.field("filename").type());

        TracepointFormat fn = TracepointFormat.parse(resource("function.format"));
        TracepointField args = fn.field("args");
        assertEquals(TracepointField.Kind.ARRAY, args.kind());
        assertEquals(0, args.arrayLength());
        assertEquals(0, args.size());
        assertEquals(24, args.offset());

        TracepointFormat dma = TracepointFormat.parse(resource("dma_alloc_sgt.format"));
        TracepointField phys = dma.field("phys_addrs");
        assertEquals(TracepointField.Kind.DATA_LOC, phys.kind());
        assertEquals("u64[]", phys.type());
        assertFalse(phys.isString());
        assertEquals("enum dma_data_direction", dma.field("dir").type());
    }

    @Test
    void decodesARawRecordIncludingTheDataLocString() throws IOException {
        TracepointFormat f = exec();
        ByteBuffer rec = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        byte[] path = "/usr/bin/true\0".getBytes(StandardCharsets.UTF_8);
        rec.putShort(0, (short) 365).put(2, (byte) 1).put(3, (byte) 0).putInt(4, 4242);
        rec.putInt(8, path.length << 16 | 20);     // data at 20 (right after the fixed part), 14 bytes
        rec.putInt(12, 4242).putInt(16, -1);
        rec.put(20, path);
        Map<String, Object> v = f.decode(rec);
        assertEquals("/usr/bin/true", v.get("filename"));
        assertEquals(4242L, v.get("pid"));
        assertEquals(-1L, v.get("old_pid"));
        assertEquals(365L, v.get("common_type"));
        assertEquals(new DataLoc(20, 14), f.field("filename").location(rec.getInt(8)));
    }

    @Test
    void formatsBecomeLayoutsWithTheKernelsOffsets() throws IOException {
        StructLayout exec = exec().layout();
        assertEquals(20, exec.size());
        assertEquals(List.of(0, 2, 3, 4, 8, 12, 16), exec.fields().stream().map(Field::offset).collect(Collectors.toList()));
        assertEquals(ScalarType.S32, exec.field("pid").type());
        assertEquals(ScalarType.U32, exec.field("filename").type());
        StructLayout sw = TracepointFormat.parse(resource("sched_switch.format")).layout();
        assertEquals(Field.Kind.CHARS, sw.field("prev_comm").kind());
        assertEquals(40, sw.offset("next_comm"));
        assertEquals(64, sw.size());
        StructLayout fn = TracepointFormat.parse(resource("function.format")).layout();
        assertFalse(fn.hasField("args"));
        assertEquals(24, fn.size());
        ByteBuffer rec = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(12, 77);
        assertEquals(77, exec.decode(rec).getLong("pid"));
    }

    @Test
    void aTracepointNamedLikeNoCIdentifierBecomesTheKernelsTraceEventRawStruct() throws IOException {
        // 9p's events start with a digit; the kernel names their records trace_event_raw_9p_*.
        String format = resource("sched_process_exec.format").replace("name: sched_process_exec", "name: 9p_client_req");
        StructLayout req = TracepointFormat.parse(format).layout();
        assertEquals("trace_event_raw_9p_client_req", req.name());
        assertEquals(12, req.offset("pid"));
    }

    @Test
    void relLocCountsFromTheEndOfItsField() {
        TracepointFormat f = TracepointFormat.parse("name: x\nID: 1\nformat:\n"
                + "\tfield:__rel_loc char[] msg;\toffset:8;\tsize:4;\tsigned:0;\n"
                + "\tfield:__data_loc u8[] raw;\toffset:12;\tsize:4;\tsigned:0;\n");
        TracepointField msg = f.field("msg");
        assertEquals(TracepointField.Kind.REL_LOC, msg.kind());
        assertEquals(new DataLoc(12 + 8, 5), msg.location(5 << 16 | 8));
        ByteBuffer rec = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        rec.putInt(8, 5 << 16 | 8).putInt(12, 2 << 16 | 25);
        rec.put(20, "hey!\0".getBytes(StandardCharsets.UTF_8)).put(25, new byte[] {7, 9});
        Map<String, Object> v = f.decode(rec);
        assertEquals("hey!", v.get("msg"));
        assertArrayEquals(new byte[] {7, 9}, (byte[]) v.get("raw"));
    }

    @Test
    void cStringStopsAtNulOrAtTheLimit() {
        ByteBuffer b = ByteBuffer.wrap("abc\0def".getBytes(StandardCharsets.UTF_8));
        assertEquals("abc", DataLoc.cString(b, 0, 7));
        assertEquals("ab", DataLoc.cString(b, 0, 2));
        assertEquals("def", DataLoc.cString(b, 4, 100));
        assertEquals(new DataLoc(0x18, 0x2a), DataLoc.of(0x002a0018));
    }

    @Test
    void malformedFilesNameTheLine() {
        TracepointFormatException e = assertThrows(TracepointFormatException.class, () -> TracepointFormat.parse(
                "name: x\nformat:\n\tfield:int a;\toffset:zero;\tsize:4;\tsigned:1;\n"));
        assertEquals(3, e.line());
        assertThrows(TracepointFormatException.class, () -> TracepointFormat.parse("name: x\nformat:\n"));
        assertThrows(TracepointFormatException.class, () -> TracepointFormat.parse(
                "name: x\n\tfield:int a;\tsize:4;\n"));
        assertThrows(TracepointFormatException.class, () -> TracepointFormat.parse("bogus line\n"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> exec().field("nope"));
        assertTrue(missing.getMessage().contains("old_pid"), missing.getMessage());
    }
}
