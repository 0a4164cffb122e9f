package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.core.Disassembler;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The probe-read chains, as verifier-syntax listings (offsets from {@link BtfTest.Mini}: real_parent 24, tgid 8). */
class FieldPathReadsTest {

    private static String text(List<Instruction> insns) {
        return insns.stream().map(Disassembler::format).collect(Collectors.joining("\n"));
    }

    private final Btf btf = new BtfTest.Mini().btf();
    private final FieldPath ppid = btf.path("task_struct.real_parent->tgid");

    @Test
    void parentTgidOfTheCurrentTaskIsTwoProbeReads() {
        List<Instruction> code = FieldPathReads.readCurrentTask(ppid, Reg.R7, -8);
        assertEquals(String.join("\n",
                "call bpf_get_current_task#35",
                "r3 = r0",
                "r3 += 24",
                "r1 = r10",
                "r1 += -8",
                "r2 = 8",
                "call bpf_probe_read_kernel#113",
                "r3 = *(u64 *)(r10 -8)",
                "r3 += 8",
                "r1 = r10",
                "r1 += -8",
                "r2 = 4",
                "call bpf_probe_read_kernel#113",
                "r7 = *(u32 *)(r10 -8)"), text(code));
        Program.builder().append(code).mov64(Reg.R0, 0).exit().build().assemble(); // assembles as is
    }

    @Test
    void startingPointerMayLiveInAnArgumentRegister() {
        List<Instruction> code = FieldPathReads.read(btf.path("task_struct.tgid"), Reg.R1, Reg.R6, -16);
        assertEquals(String.join("\n",
                "r3 = r1",
                "r3 += 8",
                "r1 = r10",
                "r1 += -16",
                "r2 = 4",
                "call bpf_probe_read_kernel#113",
                "r6 = *(u32 *)(r10 -16)"), text(code));
    }

    @Test
    void readIntoCopiesTheLastHopStraightIntoTheBuffer() {
        FieldPath comm = btf.path("task_struct.real_parent->comm");
        List<Instruction> code = FieldPathReads.readCurrentTaskInto(comm, Reg.R6, 24, -8);
        assertEquals(String.join("\n",
                "call bpf_get_current_task#35",
                "r3 = r0",
                "r3 += 24",
                "r1 = r10",
                "r1 += -8",
                "r2 = 8",
                "call bpf_probe_read_kernel#113",
                "r3 = *(u64 *)(r10 -8)",
                "r3 += 32",
                "r1 = r6",
                "r1 += 24",
                "r2 = 16",
                "call bpf_probe_read_kernel#113"), text(code));
    }

    @Test
    void misuseIsRejectedBeforeTheVerifierSeesIt() {
        FieldPath comm = btf.path("task_struct.comm");
        assertThrows(IllegalArgumentException.class, () -> FieldPathReads.read(comm, Reg.R6, Reg.R7, -8));
        assertThrows(IllegalArgumentException.class, () -> FieldPathReads.read(ppid, Reg.R6, Reg.R7, -4));
        assertThrows(IllegalArgumentException.class, () -> FieldPathReads.read(ppid, Reg.R6, Reg.R10, -8));
        assertThrows(IllegalArgumentException.class, () -> FieldPathReads.readInto(ppid, Reg.R6, Reg.R2, 0, -8));
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        w.struct("file", false, 4, "f_flags", i, 0, 0);
        FieldPath notTask = Btf.parse(w.bytes()).path("file.f_flags");
        assertThrows(IllegalArgumentException.class, () -> FieldPathReads.readCurrentTask(notTask, Reg.R7, -8));
    }
}
