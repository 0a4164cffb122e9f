package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.core.Helper;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.core.attach.AttachKind;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.structs.btf.Btf;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The examples in this module's javadoc, run as written, with what their comments claim. */
class JavadocExamplesTest {
    @Test
    void attachKind() {
        assertEquals(ProgramType.KPROBE, AttachKind.URETPROBE.programType());
        assertTrue(AttachKind.URETPROBE.isReturn());
        assertEquals("BPF_PROG_TYPE_TRACEPOINT", AttachKind.TRACEPOINT.programType().kernelName());
    }

    @Test
    void attachPoint() {
        AttachPoint k = AttachPoint.kprobe("do_execveat_common");
        AttachPoint u = AttachPoint.uprobe("/usr/lib/x86_64-linux-gnu/libc.so.6", "malloc");
        AttachPoint t = AttachPoint.tracepoint("sched", "sched_process_exec");
        assertEquals("tracepoint:sched/sched_process_exec", t.toString());
        assertEquals("kprobe:do_execveat_common", k.toString());
        assertEquals("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc", u.toString());
    }

    @Test
    void probeProgram() {
        ProbeProgram p = Kprobe.entry("do_execveat_common").args(Reg.R7)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(ProgramType.KPROBE, p.kind().programType());
        assertEquals("kprobe:do_execveat_common", p.target().toString());
        byte[] code = p.program().assemble();
        assertEquals(4 * 8, code.length);
    }

    @Test
    void memory() {
        assertEquals(Helper.PROBE_READ_USER, Memory.USER.readHelper());
        assertEquals(Helper.PROBE_READ_KERNEL_STR, Memory.KERNEL.readStringHelper());
    }

    @Test
    void parameterNames() {
        ParameterNames names = ParameterNames.of(Map.of("six", List.of("a", "b", "c", "d", "e", "f")));
        assertEquals(Optional.of(List.of("a", "b", "c", "d", "e", "f")), names.parameters("six"));
        assumeTrue(Files.isReadable(Btf.VMLINUX), "no kernel BTF");
        assertEquals(Optional.of(List.of("dfd", "pathname", "op")), ParameterNames.kernel().parameters("do_filp_open"));
    }

    @Test
    void prologue() {
        List<Instruction> p = Prologue.of(Reg.R9, Reg.R7);
        assertEquals(2, p.size());
        if (Architectures.current().name().equals("x86_64")) {
            assertEquals(112, ((LoadInsn) p.get(1)).off());
        }
        List<Instruction> a = Prologue.of(Architectures.byName("arm64").orElseThrow(), Reg.R9, Reg.R7, Reg.R8);
        assertEquals(0, ((LoadInsn) a.get(1)).off());
        assertEquals(8, ((LoadInsn) a.get(2)).off());
    }

    @Test
    void probeBuilder() {
        ProbeProgram p = Kprobe.entry("vfs_read")
                .arch(Architectures.byName("arm64").orElseThrow())
                .context(Reg.R6)
                .name("count_reads")
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals("count_reads", p.name());
        assertEquals("arm64", p.architecture().name());
    }

    @Test
    void entryAndReturnBuilders() {
        ProbeProgram p = Kprobe.entry("do_execveat_common")
                .parameterNames(ParameterNames.of(Map.of("do_execveat_common",
                        List.of("fd", "filename", "argv", "envp", "flags"))))
                .arg("filename", Reg.R7)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(Architectures.current().argOffset(1), ((LoadInsn) p.program().instructions().get(1)).off());
        ProbeProgram r = Kprobe.ret("do_execveat_common")
                .returnValue(Reg.R6)
                .body(b -> b.jsge(Reg.R6, 0, "ok")
                        .label("ok").mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(AttachKind.KRETPROBE, r.kind());
    }

    @Test
    void kprobeUprobeSyscallAndRawTracepoint() {
        ProbeProgram entry = Kprobe.entry("do_execveat_common")
                .args(Reg.R6, Reg.R7)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        ProbeProgram exit = Kprobe.ret("do_execveat_common")
                .returnValue(Reg.R6)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(AttachKind.KPROBE, entry.kind());
        assertEquals(AttachKind.KRETPROBE, exit.kind());
        ProbeProgram u = Uprobe.entry("/usr/lib/x86_64-linux-gnu/libc.so.6", "malloc")
                .args(Reg.R6)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(AttachKind.UPROBE, u.kind());
        ProbeProgram s = SyscallProbe.entry(Architectures.current(), "openat")
                .args(Reg.R6, Reg.R7)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals("kprobe:" + Architectures.current().syscallPrefix() + "openat", s.target().toString());
        ProbeProgram raw = RawTracepointProbe.of("sched_switch")
                .args(Reg.R6, Reg.R7, Reg.R8)
                .body(b -> b.mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(AttachKind.RAW_TRACEPOINT, raw.kind());
    }

    @Test
    void probeHelpers() {
        ProbeProgram p = SyscallProbe.entry("execve").args(Reg.R7)
                .body(b -> b
                        .append(ProbeHelpers.onlyTgid(4242))
                        .append(ProbeHelpers.readString(Memory.USER, Reg.R10, -256, 256, Reg.R7))
                        .mov64(Reg.R0, 0).exit())
                .build();
        assertTrue(p.bytecode().length > 0);
    }

    @Test
    void tracepointProbeAndContextReadTheRunningKernelsFormat() {
        assumeTrue(TracepointProbe.TRACEFS.stream().anyMatch(Files::isDirectory), "no tracefs");
        ProbeProgram p = TracepointProbe.of("sched", "sched_process_exec")
                .field("pid", Reg.R6)
                .body((b, ctx) -> b
                        .append(ctx.readString("filename", Reg.R10, -256, 256))
                        .mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(ProgramType.TRACEPOINT, p.kind().programType());
        ProbeProgram q = TracepointProbe.of("sched", "sched_process_exec")
                .body((b, ctx) -> b
                        .append(ctx.load("pid", Reg.R6))
                        .append(ctx.readString("filename", Reg.R10, -256, 256))
                        .mov64(Reg.R0, 0).exit())
                .build();
        assertEquals(p.program().instructions().size(), q.program().instructions().size());
    }
}
