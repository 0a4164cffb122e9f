package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.ExitInsn;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The lab's ProcessExecEvent (lab 5.4, task 1.2) end to end: layout, code, decode. */
class LabEventTest {
    static final StructLayout EXEC = StructLayout.builder("ProcessExecEvent")
            .u64("timestamp").u32("pid").u32("tgid").u32("uid").u32("ppid").chars("comm", 16)
            .build();

    @Test
    void processExecEventIsFortyBytesWithCommAtTwentyFour() {
        assertEquals(40, EXEC.size());
        assertEquals(0, EXEC.offset("timestamp"));
        assertEquals(8, EXEC.offset("pid"));
        assertEquals(12, EXEC.offset("tgid"));
        assertEquals(16, EXEC.offset("uid"));
        assertEquals(20, EXEC.offset("ppid"));
        assertEquals(24, EXEC.offset("comm"));
        assertEquals(8, EXEC.alignment());
        assertEquals(List.of("timestamp", "pid", "tgid", "uid", "ppid", "comm"),
                EXEC.fields().stream().map(Field::name).collect(Collectors.toList()));
        assertEquals(ScalarType.U32, EXEC.field("pid").type());
        assertEquals(16, EXEC.field("comm").size());
    }

    /**
     * Golden bytes: opcodes from RFC 9669 section 5 (class STX=0x03/ST=0x02/LDX=0x01, mode MEM=0x60,
     * size W=0x00/DW=0x18), byte 1 = src << 4 | dst, little-endian off and imm; the same bytes
     * llvm-objdump prints for clang's {@code e->pid = pid} stores.
     */
    @Test
    void fieldAccessEncodesAsStoresAndLoadsOfTheFieldsWidth() {
        List<Instruction> code = new ArrayList<>();
        code.add(EXEC.store("timestamp", Reg.R0, Reg.R8));     // *(u64 *)(r0 +0) = r8
        code.add(EXEC.store("pid", Reg.R0, Reg.R6));           // *(u32 *)(r0 +8) = r6
        code.add(EXEC.storeImm("uid", Reg.R0, 0));             // *(u32 *)(r0 +16) = 0
        code.add(EXEC.load(Reg.R1, Reg.R0, "ppid"));           // r1 = *(u32 *)(r0 +20)
        code.addAll(EXEC.addressOf(Reg.R1, Reg.R0, "comm"));   // r1 = r0; r1 += 24
        String hex = hex(code);
        assertEquals("7b80000000000000"
                + "6360080000000000"
                + "6200100000000000"
                + "6101140000000000"
                + "bf01000000000000"
                + "0701000018000000", hex);
    }

    @Test
    void zeroingTheRecordUsesFiveDoubleWordStores() {
        String hex = hex(EXEC.zero(Reg.R0));
        // *(u64 *)(r0 +0,8,16,24,32) = 0: opcode 0x7a (ST|MEM|DW)
        assertEquals("7a00000000000000" + "7a00080000000000" + "7a00100000000000"
                + "7a00180000000000" + "7a00200000000000", hex);
    }

    @Test
    void decodesARecordAndPrintsItLikeTheLab() {
        ByteBuffer buf = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        int at = 8;
        buf.putLong(at, 123456789L).putInt(at + 8, 4242).putInt(at + 12, 4240).putInt(at + 16, 1000)
                .putInt(at + 20, 1);
        buf.put(at + 24, "bash".getBytes()).put(at + 28, (byte) 0).put(at + 29, (byte) 'x');
        buf.position(at);
        StructValue v = EXEC.decode(buf);
        assertEquals(at, buf.position());
        assertEquals(123456789L, v.getLong("timestamp"));
        assertEquals(4242, v.getInt("pid"));
        assertEquals("bash", v.getString("comm"));
        assertEquals('x', v.getBytes("comm")[5]);
        assertEquals("{:timestamp 123456789 :pid 4242 :tgid 4240 :uid 1000 :ppid 1 :comm \"bash\"}", v.toString());
        assertTrue(EXEC.toC().startsWith("struct process_exec_event {\n    __u64 timestamp;"), EXEC.toC());
    }

    /** Little-endian bytes of a fragment, assembled with a trailing exit that is then cut off. */
    static String hex(List<Instruction> fragment) {
        List<Instruction> all = new ArrayList<>(fragment);
        all.add(new ExitInsn());
        String hex = HexFormat.of().formatHex(Program.of(all).assemble(ByteOrder.LITTLE_ENDIAN));
        return hex.substring(0, hex.length() - 16);
    }

    @Test
    void repeatedCommandNamesDecodeToTheSameStringAndDifferentOnesCorrectly() {
        ByteBuffer buf = ByteBuffer.allocateDirect(40).order(ByteOrder.nativeOrder());
        Field comm = EXEC.field("comm");
        String[] names = {"bash", "bask", "sshd", "a", "systemd-journald", "", "java", "bash", "héllo", "héllo"};
        String previousBash = null;
        for (String n : names) {
            comm.putString(buf, 0, n);
            String got = EXEC.decode(buf).getString("comm");
            assertEquals(n, got);
            assertEquals(n, comm.getString(buf, 0));
            if (n.equals("bash")) {
                String s = comm.getString(buf, 0);
                if (previousBash != null) {
                    assertTrue(s == previousBash, "a repeated name is the cached String");
                }
                previousBash = s;
            }
        }
    }
}
