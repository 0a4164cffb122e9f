package io.bpf4j.kprobe;

import static io.bpf4j.kprobe.PrologueTest.X86;
import static io.bpf4j.kprobe.PrologueTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.core.Reg;
import io.bpf4j.structs.btf.Btf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Argument names from the running kernel's own descriptions: BTF for kernel functions, the
 * {@code syscalls/sys_enter_*} tracepoint formats for system calls. Reads files only (no bpf()).
 */
class KernelNamesTest {
    @Test
    void kernelFunctionArgumentsAreNamedThroughBtf() {
        assumeTrue(Files.isReadable(Btf.VMLINUX), "no readable " + Btf.VMLINUX);
        // do_filp_open(int dfd, struct filename *pathname, const struct open_flags *op): bpftool btf dump
        assertEquals(Optional.of(List.of("dfd", "pathname", "op")), ParameterNames.kernel().parameters("do_filp_open"));
        ProbeProgram byName = Kprobe.entry("do_filp_open").arch(X86).arg("pathname", Reg.R7).body(BuildersTest.RETURN_0).build();
        ProbeProgram byIndex = Kprobe.entry("do_filp_open").arch(X86).arg(1, Reg.R7).body(BuildersTest.RETURN_0).build();
        assertEquals(byIndex.program().instructions(), byName.program().instructions());
        // the lab's do_execveat_common is static and inlined on this kernel: BTF has no FUNC for it
        assertMessage("the kernel's BTF does not describe 'do_execveat_common'",
                () -> Kprobe.entry("do_execveat_common").arch(X86).arg("filename", Reg.R7).body(BuildersTest.RETURN_0).build());
    }

    @Test
    void syscallArgumentsAreNamedThroughTheSysEnterFormat() {
        assumeTrue(TracepointProbe.TRACEFS.stream().anyMatch(p -> Files.isReadable(
                p.resolve(Path.of("events", "syscalls", "sys_enter_execve", "format")))), "no readable tracefs");
        assertEquals(Optional.of(List.of("filename", "argv", "envp")), SyscallProbe.parameterNames("execve"));
        ProbeProgram byName = SyscallProbe.entry(X86, "execve").arg("envp", Reg.R8).arg("filename", Reg.R7)
                .body(BuildersTest.RETURN_0).build();
        ProbeProgram byIndex = SyscallProbe.entry(X86, "execve").arg(2, Reg.R8).arg(0, Reg.R7).body(BuildersTest.RETURN_0).build();
        assertEquals(byIndex.program().instructions(), byName.program().instructions());
        assertEquals(Optional.empty(), SyscallProbe.parameterNames("no_such_syscall"));
    }
}
