package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.Tracefs;
import io.bpf4j.syscall.testing.KernelTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every program the tools can use passes the kernel's verifier, in every option combination,
 * including the kprobe ones (a kprobe program is verified the same whether or not the kernel can
 * attach kprobes, so this runs on kernels built without CONFIG_KPROBES too).
 */
@KernelTest
class ProgramsLoadKernelTest {
    private static void load(ProbeProgram p, BpfMap... maps) {
        try (BpfProgram loaded = BpfProgram.load(ProgramSpec.of(p).license("GPL").maps(maps))) {
            assertTrue(loaded.fd() > 0);
        }
    }

    @Test
    void execsnoopProgramsPassTheVerifierWithEveryOption() throws Exception {
        TracepointFormat exec = TracepointFormat.load(Tracefs.formatPath("sched", "sched_process_exec"));
        TracepointFormat enter = TracepointFormat.load(Tracefs.formatPath("syscalls", "sys_enter_execve"));
        TracepointFormat exit = TracepointFormat.load(Tracefs.formatPath("syscalls", "sys_exit_execve"));
        TracepointFormat enterAt = TracepointFormat.load(Tracefs.formatPath("syscalls", "sys_enter_execveat"));
        TracepointFormat exitAt = TracepointFormat.load(Tracefs.formatPath("syscalls", "sys_exit_execveat"));
        try (BpfMap events = BpfMap.create(MapSpec.ringBuf("exec_events", ExecTracer.RING_BYTES));
             BpfMap drops = BpfMap.create(MapSpec.array("exec_drops", Long.BYTES, 1));
             BpfMap starts = BpfMap.create(MapSpec.lruHash("exec_starts", Long.BYTES, ExecPrograms.START.size(), 64))) {
            for (Optional<Integer> uid : List.of(Optional.<Integer>empty(), Optional.of(1000))) {
                for (boolean args : new boolean[] {false, true}) {
                    // The other filters ride along with --uid: --cgroup (in the kernel) and -x.
                    ExecPrograms p = uid.isEmpty() ? new ExecPrograms(Btf.kernel(), uid, args)
                            : new ExecPrograms(Btf.kernel(), uid, java.util.OptionalLong.of(4242L), args, true);
                    List<ProbeProgram> all = new ArrayList<>(List.of(p.kprobeExec(), p.kprobeEnter(), p.kretprobeExit(),
                            p.tracepointExec(exec), p.tracepointEnter(enter), p.tracepointExit(exit),
                            p.tracepointEnter(enterAt), p.tracepointExit(exitAt)));
                    for (ProbeProgram prog : all) {
                        load(prog, events, drops, starts);
                    }
                }
            }
        }
    }

    @Test
    void funclatencyProgramsPassTheVerifierInEveryUnit() {
        List<FuncLatencyPrograms.Function> fns = List.of(FuncLatencyPrograms.Function.user("/bin/sh", "main"),
                FuncLatencyPrograms.Function.kernel("vfs_read"));
        for (int levels : new int[] {1, FuncLatencyPrograms.MAX_LEVELS}) {
            for (boolean perFunction : new boolean[] {false, true}) {
                FuncLatencyPrograms shape = new FuncLatencyPrograms(fns, perFunction, Optional.empty(), 1, levels);
                try (BpfMap starts = BpfMap.create(MapSpec.lruHash("lat_starts", Long.BYTES, shape.startsValueSize(), 64));
                     BpfMap hist = BpfMap.create(MapSpec.array("lat_hist",
                             shape.histograms() * FuncLatencyPrograms.SLOTS * Long.BYTES, 1))) {
                    for (FuncLatencyTracer.Unit unit : FuncLatencyTracer.Unit.values()) {
                        for (Optional<Integer> pid : List.of(Optional.<Integer>empty(), Optional.of(1))) {
                            FuncLatencyPrograms p = new FuncLatencyPrograms(fns, perFunction, pid, unit.nanos(), levels);
                            for (int i = 0; i < fns.size(); i++) {
                                load(p.entry(i), starts, hist);
                                load(p.exit(i), starts, hist);
                            }
                        }
                    }
                }
            }
        }
    }
}
