package io.bpf4j.structs.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.core.Disassembler;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Context reads as verifier-syntax listings. */
class TracepointReadsTest {

    private static String text(List<Instruction> insns) {
        return insns.stream().map(Disassembler::format).collect(Collectors.joining("\n"));
    }

    @Test
    void dataLocStringIsCopiedWithProbeReadKernelStr() throws IOException {
        TracepointField filename = TracepointFormatTest.exec().field("filename");
        assertEquals(String.join("\n",
                "r3 = *(u32 *)(r6 +8)",
                "r3 &= 65535",
                "r3 += r6",
                "r1 = r7",
                "r1 += 24",
                "r2 = 256",
                "call bpf_probe_read_kernel_str#115"),
                text(TracepointReads.readDataLocString(filename, Reg.R6, Reg.R7, 24, 256)));
    }

    @Test
    void contextInR3UsesR2AsScratch() throws IOException {
        TracepointField filename = TracepointFormatTest.exec().field("filename");
        assertEquals(String.join("\n",
                "r2 = *(u32 *)(r3 +8)",
                "r2 &= 65535",
                "r3 += r2",
                "r1 = r10",
                "r1 += -64",
                "r2 = 64",
                "call bpf_probe_read_kernel_str#115"),
                text(TracepointReads.readDataLocString(filename, Reg.R3, Reg.R10, -64, 64)));
    }

    @Test
    void plainFieldsLoadStraightFromTheContext() throws IOException {
        TracepointFormat exec = TracepointFormatTest.exec();
        assertEquals("r7 = *(u32 *)(r1 +12)", text(TracepointReads.load(exec.field("pid"), Reg.R1, Reg.R7)));
        assertEquals("r0 = *(u16 *)(r1 +0)", text(TracepointReads.load(exec.field("common_type"), Reg.R1, Reg.R0)));
    }

    @Test
    void misuseIsRejected() throws IOException {
        TracepointFormat exec = TracepointFormatTest.exec();
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readDataLocString(exec.field("pid"), Reg.R1, Reg.R7, 0, 16));
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readDataLocString(exec.field("filename"), Reg.R1, Reg.R2, 0, 16));
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readDataLocString(exec.field("filename"), Reg.R1, Reg.R7, 0, 0));
    }

    /** sched_process_fork's fixed comm arrays (format file of Linux 6.1 and 6.18). */
    static TracepointFormat fork() {
        return TracepointFormat.parse(String.join("\n",
                "name: sched_process_fork",
                "ID: 312",
                "format:",
                "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
                "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;",
                "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;",
                "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;",
                "",
                "\tfield:char parent_comm[16];\toffset:8;\tsize:16;\tsigned:0;",
                "\tfield:pid_t parent_pid;\toffset:24;\tsize:4;\tsigned:1;",
                "\tfield:char child_comm[16];\toffset:28;\tsize:16;\tsigned:0;",
                "\tfield:pid_t child_pid;\toffset:44;\tsize:4;\tsigned:1;",
                "",
                "print fmt: \"comm=%s pid=%d child_comm=%s child_pid=%d\", REC->parent_comm, REC->parent_pid,"
                        + " REC->child_comm, REC->child_pid",
                ""));
    }

    @Test
    void fixedCharArrayIsCopiedFromItsOffsetUpToItsSize() {
        TracepointField child = fork().field("child_comm");
        assertEquals(String.join("\n",
                "r3 = r6",
                "r3 += 28",
                "r1 = r7",
                "r1 += 8",
                "r2 = 16",
                "call bpf_probe_read_kernel_str#115"),
                text(TracepointReads.readString(child, Reg.R6, Reg.R7, 8, 64)));
        assertEquals("r2 = 8", text(TracepointReads.readCharArray(child, Reg.R1, Reg.R10, -8, 8)).split("\n")[4],
                "a smaller buffer bounds the copy");
        assertThrows(IllegalArgumentException.class,
                () -> TracepointReads.readCharArray(fork().field("child_pid"), Reg.R1, Reg.R7, 0, 16));
    }
}
