package io.bpf4j.kprobe;

import static io.bpf4j.kprobe.PrologueTest.ARM64;
import static io.bpf4j.kprobe.PrologueTest.X86;
import static io.bpf4j.kprobe.PrologueTest.assertMessage;
import static io.bpf4j.kprobe.PrologueTest.ldxdw;
import static io.bpf4j.kprobe.PrologueTest.mov;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.ExitInsn;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadInsn;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.core.attach.AttachKind;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.ProgramType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildersTest {
    static final List<Instruction> RETURN_0 = List.of(new AluInsn(AluOp.MOV, true, Reg.R0, null, 0), new ExitInsn());

    static ProbeProgram sixArgs(Architecture a) {
        return Kprobe.entry("six").arch(a).args(Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6)
                .body(b -> b.mov64(Reg.R0, 0).exit()).build();
    }

    @Test
    void sameProbeForX86AndArm64DiffersExactlyInThePluginsOffsets() {
        List<Instruction> x = sixArgs(X86).program().instructions();
        List<Instruction> a = sixArgs(ARM64).program().instructions();
        assertEquals(x.size(), a.size());
        int differing = 0;
        for (int i = 0; i < x.size(); i++) {
            if (x.get(i).equals(a.get(i))) {
                continue;
            }
            differing++;
            LoadInsn lx = (LoadInsn) x.get(i);
            LoadInsn la = (LoadInsn) a.get(i);
            int arg = i - 1;
            assertEquals(X86.argOffset(arg), lx.off(), "x86_64 argument " + arg);
            assertEquals(ARM64.argOffset(arg), la.off(), "arm64 argument " + arg);
            assertEquals(new LoadInsn(lx.size(), false, lx.dst(), lx.src(), la.off()), la, "only the offset differs");
        }
        // x86_64 (di si dx cx r8 r9) = 112 104 96 88 72 64 vs arm64 regs[0..5] = 0..40: all six differ
        assertEquals(6, differing);
        assertNotEquals(List.of(sixArgs(X86).bytecode()), List.of(sixArgs(ARM64).bytecode()));
        assertEquals(X86, sixArgs(X86).architecture());
    }

    @Test
    void kprobeBuilderGivesTypeTargetAndNameReadyToLoad() {
        ProbeProgram p = Kprobe.entry("do_execveat_common").arch(X86).args(Reg.R7).body(RETURN_0).build();
        assertEquals(AttachKind.KPROBE, p.kind());
        assertEquals(ProgramType.KPROBE, p.kind().programType());
        assertEquals(AttachPoint.kprobe("do_execveat_common"), p.target());
        assertEquals("do_execveat_co", p.name().substring(0, 14));
        assertEquals(15, p.name().length());
        assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R7, Reg.R9, 112), RETURN_0.get(0), RETURN_0.get(1)),
                p.program().instructions());
        assertEquals(4 * 8, p.bytecode().length);
    }

    @Test
    void kretprobeLoadsTheReturnValueIntoTheChosenRegister() {
        ProbeProgram p = Kprobe.ret("do_execveat_common").arch(ARM64).returnValue(Reg.R8).context(Reg.R6)
                .name("exec_ret").body(Program.builder().mov64(Reg.R0, 0).exit().build()).build();
        assertEquals(AttachKind.KRETPROBE, p.kind());
        assertTrue(p.kind().isReturn());
        assertEquals("exec_ret", p.name());
        assertEquals(List.of(mov(Reg.R6, Reg.R1), ldxdw(Reg.R8, Reg.R6, 0)), p.program().instructions().subList(0, 2));
    }

    @Test
    void uprobesShareThePtRegsLayout() {
        ProbeProgram k = sixArgs(X86);
        ProbeProgram u = Uprobe.entry("/lib/libsix.so", "six").arch(X86).args(Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6)
                .body(b -> b.mov64(Reg.R0, 0).exit()).build();
        assertEquals(k.program().instructions(), u.program().instructions());
        assertEquals(AttachKind.UPROBE, u.kind());
        assertEquals(AttachPoint.uprobe("/lib/libsix.so", "six"), u.target());
        ProbeProgram r = Uprobe.ret("/lib/libsix.so", "six").arch(X86).body(RETURN_0).build();
        assertEquals(AttachKind.URETPROBE, r.kind());
        assertEquals(ldxdw(Reg.R6, Reg.R9, 80), r.program().instructions().get(1));
    }

    @Test
    void syscallProbeAttachesToTheArchitecturesWrapper() {
        ProbeProgram x = SyscallProbe.entry(X86, "execve").args(Reg.R7).body(RETURN_0).build();
        ProbeProgram a = SyscallProbe.entry(ARM64, "execve").args(Reg.R7).body(RETURN_0).build();
        assertEquals(AttachPoint.kprobe("__x64_sys_execve"), x.target());
        assertEquals(AttachPoint.kprobe("__arm64_sys_execve"), a.target());
        assertEquals("execve", x.name());
        assertEquals(Prologue.syscall(X86, Reg.R9, Reg.R7), x.program().instructions().subList(0, 8));
        ProbeProgram r = SyscallProbe.ret(X86, "execve").body(RETURN_0).build();
        assertEquals(AttachKind.KRETPROBE, r.kind());
        assertEquals(AttachPoint.kretprobe("__x64_sys_execve"), r.target());
    }

    @Test
    void argumentsByNameResolveThroughParameterNames() {
        ParameterNames names = ParameterNames.of(Map.of("do_execveat_common", List.of("fd", "filename", "argv", "envp", "flags")));
        ProbeProgram byName = Kprobe.entry("do_execveat_common").arch(X86).parameterNames(names)
                .arg("filename", Reg.R7).arg("flags", Reg.R6).body(RETURN_0).build();
        ProbeProgram byIndex = Kprobe.entry("do_execveat_common").arch(X86).arg(1, Reg.R7).arg(4, Reg.R6).body(RETURN_0).build();
        assertEquals(byIndex.program().instructions(), byName.program().instructions());
        assertMessage("[fd, filename, argv, envp, flags]",
                () -> Kprobe.entry("do_execveat_common").arch(X86).parameterNames(names).arg("path", Reg.R7).body(RETURN_0).build());
        assertMessage("no parameter names", () -> Uprobe.entry("/lib/libsix.so", "six").arch(X86).arg("x", Reg.R7).body(RETURN_0).build());
        assertMessage("does not describe 'g'", () -> Kprobe.entry("g").arch(X86).parameterNames(names).arg("x", Reg.R7).body(RETURN_0).build());
        assertMessage("mapped twice",
                () -> Kprobe.entry("do_execveat_common").arch(X86).parameterNames(names).arg(1, Reg.R6).arg("filename", Reg.R7)
                        .body(RETURN_0).build());
    }

    @Test
    void builderErrorsAreCaughtBeforeTheKernel() {
        assertMessage("body missing", () -> Kprobe.entry("f").arch(X86).build());
        assertMessage("context register", () -> Kprobe.entry("f").arch(X86).args(Reg.R9).body(RETURN_0).build());
        assertMessage("x86_64", () -> Kprobe.entry("f").arch(X86).arg(6, Reg.R7).body(RETURN_0).build());
        assertMessage("at most 15", () -> Kprobe.entry("f").name("a_name_far_too_long"));
        assertMessage("not allowed", () -> Kprobe.entry("f").name("bad-name"));
        assertMessage("not allowed", () -> Kprobe.entry("do exec"));
        assertMessage("target and program are required", () -> new ProbeProgram("p", null, Program.of(RETURN_0), X86));
        assertMessage("an architecture is required (its prologue reads pt_regs)",
                () -> new ProbeProgram("p", AttachPoint.kprobe("f"), Program.of(RETURN_0), null));
        assertMessage("symbol or a file offset", () -> new AttachPoint.UserFunction("/bin/true", null, 0, false));
    }

    @Test
    void defaultArchitectureIsTheHosts() {
        ProbeProgram p = Kprobe.entry("f").args(Reg.R7).body(RETURN_0).build();
        assertEquals(Architectures.current(), p.architecture());
    }

    @Test
    void rawTracepointArgumentsAreEightBytesApartOnEveryArchitecture() {
        for (Architecture a : List.of(X86, ARM64)) {
            ProbeProgram p = RawTracepointProbe.of("sched_switch").arch(a).args(Reg.R6, Reg.R7, Reg.R8).body(RETURN_0).build();
            assertEquals(List.of(mov(Reg.R9, Reg.R1), ldxdw(Reg.R6, Reg.R9, 0), ldxdw(Reg.R7, Reg.R9, 8), ldxdw(Reg.R8, Reg.R9, 16)),
                    p.program().instructions().subList(0, 4));
            assertEquals(AttachKind.RAW_TRACEPOINT, p.kind());
            assertEquals(ProgramType.RAW_TRACEPOINT, p.kind().programType());
        }
        assertMessage("0..11", () -> RawTracepointProbe.of("x").arg(12, Reg.R6));
        assertMessage("context register", () -> RawTracepointProbe.of("x").args(Reg.R9).body(RETURN_0).build());
    }
}
