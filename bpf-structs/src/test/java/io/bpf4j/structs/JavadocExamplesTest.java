package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;

import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The examples of the package and class javadoc, run: if they stop working, this fails. */
class JavadocExamplesTest {
    record Exec(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
                @Chars(16) String comm) {
    }

    private record Hidden(@U16 int port) {
    }

    @Test
    void packageExampleBuildsAProgramAndDecodesItsRecord() {
        StructLayout exec = StructLayout.of(Exec.class);
        RecordCodec<Exec> codec = StructLayout.codec(Exec.class);
        ProgramBuilder b = Program.builder();
        b.append(exec.zero(Reg.R7))
                .append(exec.store("timestamp", Reg.R7, Reg.R8))
                .append(exec.store("pid", Reg.R7, Reg.R6))
                .append(exec.getCurrentComm(Reg.R7, "comm"));
        List<Instruction> code = b.instructions();
        assertEquals(5 + 2 + 4, code.size());

        ByteBuffer buf = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        codec.encode(new Exec(7, 42, 42, 0, 1, "bash"), buf, 8);
        assertEquals(new Exec(7, 42, 42, 0, 1, "bash"), codec.decode(buf, 8));
        assertEquals("bash", exec.decode(buf, 8).getString("comm"));
        assertEquals(42, exec.view().wrap(buf, 8).getU32("pid"));
        assertTrue(exec.toC().startsWith("struct exec {"));
    }

    @Test
    void valueBuilderGettersAndMapForm() {
        StructLayout hdr = StructLayout.builder("Hdr").u32("pid").u16("flags").build();
        StructLayout ev = StructLayout.builder("Event")
                .struct("hdr", hdr).array("vals", ScalarType.U32, 4).structArray("more", hdr, 2).chars("comm", 8)
                .build();
        assertEquals(8, hdr.size());
        StructValue v = ev.valueBuilder().set("hdr.pid", 42).set("vals[1]", 7).set("more[1].flags", 3)
                .set("comm", "bash").build();
        assertEquals(42, v.getStruct("hdr").getInt("pid"));
        assertEquals(3, v.getLong("more[1].flags"));
        assertEquals(7, v.getLongs("vals")[1]);
        Map<String, Object> m = v.toMap();
        assertEquals("bash", m.get("comm"));
        assertEquals("{:hdr {:pid 42 :flags 0} :vals [0 7 0 0] :more [{:pid 0 :flags 0} {:pid 0 :flags 3}] :comm \"bash\"}",
                v.toString());
        assertEquals(v, ev.decode(v.toByteArray(ByteOrder.nativeOrder())));
        assertEquals(v, ev.valueCodec().decode(ev.valueCodec().encode(v)));
    }

    @Test
    void readOnlyViewsDecodeLikeTheBuffersTheyView() {
        RecordCodec<Exec> codec = StructLayout.codec(Exec.class);
        for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(40), ByteBuffer.allocateDirect(40)}) {
            buf.order(ByteOrder.nativeOrder());
            codec.encode(new Exec(1, 2, 3, 4, 5, "sshd"), buf, 0);
            ByteBuffer ro = buf.asReadOnlyBuffer().order(ByteOrder.nativeOrder());  // views start big-endian
            assertEquals(new Exec(1, 2, 3, 4, 5, "sshd"), codec.decode(ro, 0));
            assertEquals("sshd", StructLayout.of(Exec.class).decode(ro).getString("comm"));
        }
    }

    @Test
    void privateRecordsNeedTheCallersLookupOnlyInNamedModules() {
        // on the class path a private record is reachable; in a named module pass the lookup
        RecordCodec<Hidden> c = StructLayout.codec(Hidden.class, MethodHandles.lookup());
        assertEquals(new Hidden(65535), c.decode(c.encode(new Hidden(65535))));
        assertEquals(2, c.size());
    }
}
