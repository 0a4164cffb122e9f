package io.bpf4j.kprobe;

import static io.bpf4j.kprobe.PrologueTest.assertMessage;
import static io.bpf4j.kprobe.PrologueTest.mov;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.CallInsn;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.attach.AttachKind;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracepointProbeTest {
    /** Recorded from /sys/kernel/tracing/events/sched/sched_process_exec/format on Linux 6.18.44. */
    static final String SCHED_PROCESS_EXEC = String.join("\n",
            "name: sched_process_exec",
            "ID: 365",
            "format:",
            "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
            "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;",
            "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;",
            "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;",
            "",
            "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;",
            "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;",
            "\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;",
            "",
            "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid",
            "");

    static final TracepointFormat FORMAT = TracepointFormat.parse(SCHED_PROCESS_EXEC);

    @Test
    void fieldsAreLoadedByNameAtTheFormatsOffsets() {
        ProbeProgram p = TracepointProbe.of("sched", "sched_process_exec").arch(PrologueTest.X86).format(FORMAT)
                .field("pid", Reg.R6).field("old_pid", Reg.R7)
                .body(BuildersTest.RETURN_0)
                .build();
        assertEquals(AttachKind.TRACEPOINT, p.kind());
        assertEquals(ProgramType.TRACEPOINT, p.kind().programType());
        assertEquals(new AttachPoint.Tracepoint("sched", "sched_process_exec"), p.target());
        assertEquals(List.of(mov(Reg.R9, Reg.R1), new LoadInsn(Size.W, false, Reg.R6, Reg.R9, 12),
                new LoadInsn(Size.W, false, Reg.R7, Reg.R9, 16)), p.program().instructions().subList(0, 3));
    }

    @Test
    void bodyReadsTheDataLocStringThroughTheContext() {
        ProbeProgram p = TracepointProbe.of("sched", "sched_process_exec").format(FORMAT).context(Reg.R6)
                .body((b, ctx) -> {
                    assertEquals(Reg.R6, ctx.register());
                    assertEquals(8, ctx.offset("filename"));
                    b.append(ctx.readString("filename", Reg.R10, -256, 256)).mov64(Reg.R0, 0).exit();
                })
                .build();
        List<Instruction> insns = p.program().instructions();
        assertEquals(mov(Reg.R6, Reg.R1), insns.get(0));
        assertEquals(new LoadInsn(Size.W, false, Reg.R3, Reg.R6, 8), insns.get(1));
        assertTrue(insns.contains(CallInsn.helper(Helper.PROBE_READ_KERNEL_STR)), insns.toString());
        assertTrue(p.bytecode().length > 0);
    }

    @Test
    void unknownFieldListsTheFields() {
        assertMessage("[common_type, common_flags, common_preempt_count, common_pid, filename, pid, old_pid]",
                () -> TracepointProbe.of("sched", "sched_process_exec").format(FORMAT).field("path", Reg.R6)
                        .body(BuildersTest.RETURN_0).build());
        assertMessage("loaded twice", () -> TracepointProbe.of("sched", "sched_process_exec").field("pid", Reg.R6).field("pid", Reg.R7));
        assertMessage("context register", () -> TracepointProbe.of("sched", "sched_process_exec").format(FORMAT)
                .field("pid", Reg.R9).body(BuildersTest.RETURN_0).build());
        assertMessage("already receives", () -> TracepointProbe.of("sched", "sched_process_exec").format(FORMAT)
                .field("pid", Reg.R6).field("old_pid", Reg.R6).body(BuildersTest.RETURN_0).build());
    }

    @Test
    void aTracepointProgramNeedsNoArchitecturePluginButAKprobeDoes() {
        String before = System.getProperty(io.bpf4j.core.arch.Architectures.PROPERTY);
        System.setProperty(io.bpf4j.core.arch.Architectures.PROPERTY, "no-such-arch");
        try {
            ProbeProgram tp = TracepointProbe.of("sched", "sched_process_exec").format(execFormatForArchTest())
                    .field("pid", Reg.R6)
                    .body(b -> b.mov64(Reg.R0, 0).exit())
                    .build();
            org.junit.jupiter.api.Assertions.assertNull(tp.architecture());
            org.junit.jupiter.api.Assertions.assertTrue(tp.toString().contains("any architecture"), tp.toString());
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Kprobe.entry("vfs_read").body(b -> b.mov64(Reg.R0, 0).exit()).build());
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no bpf4j architecture plugin"),
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(io.bpf4j.core.arch.Architectures.PROPERTY);
            } else {
                System.setProperty(io.bpf4j.core.arch.Architectures.PROPERTY, before);
            }
        }
    }

    private static io.bpf4j.structs.tracepoint.TracepointFormat execFormatForArchTest() {
        return io.bpf4j.structs.tracepoint.TracepointFormat.parse(String.join("\n",
                "name: sched_process_exec",
                "ID: 300",
                "format:",
                "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
                "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;",
                "",
                "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;",
                "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;",
                "\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;",
                "",
                "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid",
                ""));
    }
}
