package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The BTF clang 14 emits for {@code sample.bpf.c}, decoded and compared with bpftool's raw dump of
 * the same blob (see {@code src/test/resources/btf/SOURCES.md}).
 */
class SampleBtfTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = SampleBtfTest.class.getResourceAsStream("/btf/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /btf/" + name);
            }
            return in.readAllBytes();
        }
    }

    static byte[] sample() throws IOException {
        return resource("sample.btf");
    }

    @Test
    void decodesEveryTypeExactlyAsBpftoolPrintsIt() throws IOException {
        Btf btf = Btf.parse(sample());
        String expected = new String(resource("sample.btf.txt"), StandardCharsets.UTF_8);
        assertEquals(expected, RawDump.dump(btf));
    }

    @Test
    void resolvesMembersThroughAnonymousUnionsAndStructs() throws IOException {
        Btf btf = Btf.parse(sample());
        assertEquals(16, btf.offsetOf("task_struct", "flags_word"));
        assertEquals(24, btf.offsetOf("task_struct", "start_time"));
        assertEquals(32, btf.offsetOf("task_struct", "end_time"));
        assertEquals(20, btf.offsetOf("task_struct", "flags.tail"));
        BtfType.Member mode = btf.member("task_struct", "flags.mode");
        assertEquals(16 * 8 + 1, mode.bitOffset());
        assertEquals(3, mode.bitfieldSize());
    }

    @Test
    void pathsTypesAndSignaturesOfTheSample() throws IOException {
        Btf btf = Btf.parse(sample());
        FieldPath p = btf.path("task_struct.real_parent->real_parent->comm");
        assertEquals(List.of(40L, 40L, 56L), p.hops().stream().map(FieldPath.Hop::offset).collect(Collectors.toList()));
        assertEquals(16, p.size());
        assertEquals("char[16]", p.typeName());
        assertEquals("volatile long", btf.typeName(btf.member("task_struct", "state").type()));
        assertEquals("char *", btf.typeName(btf.member("task_struct", "user_buf").type()));
        assertEquals("struct task_struct *restrict", btf.typeName(btf.member("task_struct", "self").type()));
        assertEquals("void (*)(struct task_struct *, int)", btf.typeName(btf.member("task_struct", "callback").type()));
        assertEquals("struct only_declared *", btf.typeName(btf.member("task_struct", "opaque").type()));
        FunctionSignature f = btf.function("read_task").orElseThrow();
        assertEquals("int read_task(struct task_struct *task, const char *filename, int flags)", f.declaration());
        assertEquals(1, f.parameter("filename").orElseThrow().index());
        assertTrue(btf.path("task_struct.opaque").typeName().startsWith("struct only_declared"));
    }
}
