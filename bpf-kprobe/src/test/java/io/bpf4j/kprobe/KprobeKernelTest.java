package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Kprobe-shaped programs from every builder pass the verifier as {@code BPF_PROG_TYPE_KPROBE}.
 * Whether they attach is asked of the kernel ({@link Features#hasKprobes()}): where kprobes exist
 * the attach must work; where they do not ({@code CONFIG_KPROBES} off) it must fail with the
 * clear no-kprobes error. CI runs both branches, one per kernel.
 */
@KernelTest
class KprobeKernelTest {
    static final Reg[] SIX = UprobeKernelTest.SIX;

    static boolean kernelHasKprobes() {
        return Features.system().hasKprobes();
    }

    void loadsAndThenAttachFailsWithoutKprobes(ProbeProgram p, String function) {
        try (BpfProgram prog = Loading.load(p)) {
            assertEquals(ProgramType.KPROBE, prog.type());
            if (kernelHasKprobes()) {
                Loading.attach(prog, p).close();
                return;
            }
            BpfException e = assertThrows(BpfException.class, () -> Loading.attach(prog, p));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("this kernel has no kprobes (CONFIG_KPROBES is off"), e.getMessage());
            assertTrue(e.getMessage().contains(function), e.getMessage());
        }
    }

    @Test
    void sixArgumentKprobeLoadsThenAttachFailsWithTheNoKprobesError() {
        try (BpfMap result = BpfMap.create(MapSpec.array("six_args", 8 * SIX.length, 1))) {
            ProbeProgram p = Kprobe.entry("do_filp_open").args(SIX)
                    .body(ResultBodies.storeToArray(result, 0, UprobeKernelTest.SELF, SIX))
                    .build();
            loadsAndThenAttachFailsWithoutKprobes(p, "do_filp_open");
        }
    }

    @Test
    void kretprobeLoadsThenAttachFailsWithTheNoKprobesError() {
        try (BpfMap result = BpfMap.create(MapSpec.array("ret", 8, 1))) {
            ProbeProgram p = Kprobe.ret("do_filp_open").returnValue(Reg.R6)
                    .body(ResultBodies.storeToArray(result, 0, UprobeKernelTest.SELF, Reg.R6))
                    .build();
            loadsAndThenAttachFailsWithoutKprobes(p, "do_filp_open");
        }
    }

    @Test
    void syscallProbeReadingThroughTheWrapperPassesTheVerifier() {
        try (BpfMap result = BpfMap.create(MapSpec.array("sys_args", 8 * 3, 1))) {
            ProbeProgram p = SyscallProbe.entry("execve").args(Reg.R6, Reg.R7, Reg.R8)
                    .body(ResultBodies.storeToArray(result, 0, UprobeKernelTest.SELF, Reg.R6, Reg.R7, Reg.R8))
                    .build();
            loadsAndThenAttachFailsWithoutKprobes(p, p.architecture().syscallFunction("execve"));
        }
    }

    @Test
    void labExecTracerLoadsThroughTheVerifier() {
        try (BpfMap events = BpfMap.create(MapSpec.ringBuf("exec_events", 256 * 1024))) {
            ProbeProgram p = LabExecTracer.build(io.bpf4j.core.arch.Architectures.current(), events);
            loadsAndThenAttachFailsWithoutKprobes(p, "do_execveat_common");
        }
    }
}
