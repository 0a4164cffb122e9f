package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class FdLeakKernelTest {
    private static final Program NOP = Program.builder().mov64(Reg.R0, 0).exit().build();

    @Test
    void tenThousandLoadAttachDetachCloseCyclesLeaveTheFdCountWhereItWas() {
        ProgramSpec raw = ProgramSpec.rawTracepoint("leak_raw", NOP).license("GPL");
        ProgramSpec tp = ProgramSpec.tracepoint("leak_tp", NOP).license("GPL");
        // Warm up once so lazily opened fds (JNA, tracefs lookups, class loading) are not counted.
        try (BpfProgram prog = BpfProgram.load(tp); BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid")) {
            link.fd();
        }
        // One attachment of each kind is held for the whole loop: when the last probe leaves a
        // tracepoint the kernel waits for RCU grace periods (tracepoint_synchronize_unregister),
        // which would make the loop measure the kernel's RCU latency instead of our fd handling.
        try (BpfProgram holdRaw = BpfProgram.load(raw);
             BpfLink heldRaw = holdRaw.attachRawTracepoint("sys_enter");
             BpfProgram holdTp = BpfProgram.load(tp);
             BpfLink heldTp = holdTp.attachTracepoint("syscalls", "sys_enter_getppid")) {
            long before = KernelFixtures.openFds();
            // Raw tracepoint links: the BPF-link path, about 0.5 ms per cycle here.
            for (int i = 0; i < 10_000; i++) {
                BpfProgram prog = BpfProgram.load(raw);
                BpfLink link = prog.attachRawTracepoint("sys_enter");
                link.close();
                prog.close();
                prog.close(); // a second close is harmless
            }
            // Perf-event links (tracepoint): fewer cycles, because closing a tracepoint perf event
            // waits for the kernel (tens of ms per event on this 2-CPU VM), not for us.
            for (int i = 0; i < 25; i++) {
                BpfProgram prog = BpfProgram.load(tp);
                BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid");
                link.close();
                link.close();
                prog.close();
            }
            assertEquals(before, KernelFixtures.openFds());
        }
    }
}
