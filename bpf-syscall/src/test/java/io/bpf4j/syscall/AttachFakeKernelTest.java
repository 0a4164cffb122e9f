package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachableProgram;
import io.bpf4j.syscall.testing.FakeKernel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every branch of the attach paths, against a fake kernel whose sysfs, procfs and tracefs are
 * in memory: PMU present or absent, tracefs mounted, unmounted or unreadable, kernel symbols
 * exact, cloned, ambiguous or missing, stale tracefs probes, perf links or the ioctl fallback.
 */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
class AttachFakeKernelTest {
    private static final String TRACING = "/sys/kernel/tracing";
    private static final String PMUS = "/sys/bus/event_source/devices";
    private static final Program RETURN_0 = Program.builder().mov64(Reg.R0, 0).exit().build();

    private final FakeKernel kernel = new FakeKernel();

    private FakeKernel withTracefs() {
        return kernel.dir(TRACING + "/events")
                .file(TRACING + "/available_events", "sched:sched_process_exec\n")
                .file(TRACING + "/events/sched/sched_process_exec/id", "312\n");
    }

    private FakeKernel withKprobePmu() {
        return kernel.file(PMUS + "/kprobe/type", "8\n").file(PMUS + "/kprobe/format/retprobe", "config:0\n");
    }

    private BpfProgram load(AttachPoint at) {
        return BpfProgram.load(kernel, ProgramSpec.of("p", RETURN_0, at).license("GPL"));
    }

    private List<String> perfOpens() {
        return kernel.calls().stream().filter(c -> c.startsWith("perf_event_open")).collect(Collectors.toList());
    }

    // ---- the seam ----------------------------------------------------------------------------

    @Test
    void aProgramThatKnowsItsPointLoadsWithThePointsTypeAndAttachesThereWithNoArguments() {
        withTracefs();
        AttachableProgram probe = new AttachableProgram() {
            public String name() {
                return "exec";
            }

            public AttachPoint target() {
                return AttachPoint.tracepoint("sched", "sched_process_exec");
            }

            public Program program() {
                return RETURN_0;
            }
        };
        try (BpfProgram prog = BpfProgram.load(kernel, ProgramSpec.of(probe).license("GPL"));
             BpfLink link = prog.attach()) {
            assertEquals(io.bpf4j.core.attach.ProgramType.TRACEPOINT, prog.type());
            assertInstanceOf(TracepointLink.class, link);
            assertEquals(AttachPoint.tracepoint("sched", "sched_process_exec"), link.target());
            assertEquals("tracepoint sched/sched_process_exec (id 312)", link.info().attachedTo());
            assertTrue(link.isBpfLink());
            assertEquals(link.fd(), link.info().linkId(), "the fake's link id is its fd");
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aProgramOfTheWrongTypeIsRefusedBeforeAnyKernelCall() {
        try (BpfProgram prog = BpfProgram.load(kernel, ProgramSpec.socketFilter("sf", RETURN_0))) {
            int calls = kernel.calls().size();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> prog.attach(AttachPoint.kprobe("vfs_read")));
            assertTrue(e.getMessage().contains("needs a KPROBE program"), e.getMessage());
            assertEquals(calls, kernel.calls().size());
        }
    }

    @Test
    void optionsOfAnotherFamilyAreRefusedNamingTheRightOne() {
        withTracefs();
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec"), UprobeLink.Options.pid(1)));
            assertTrue(e.getMessage().contains("expected TracepointLink.Options"), e.getMessage());
        }
    }

    @Test
    void aSpecWhoseTypeContradictsItsPointIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProgramSpec(
                io.bpf4j.core.attach.ProgramType.XDP, "x", RETURN_0, "", null, 0, 0, List.of(), AttachPoint.kprobe("f")));
        assertTrue(e.getMessage().contains("needs a KPROBE program"), e.getMessage());
    }

    // ---- tracefs -----------------------------------------------------------------------------

    @Test
    void unmountedTracefsIsMountedAndTheTracepointFound() {
        kernel.onMount(() -> withTracefs());
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"));
             BpfLink link = prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
            assertTrue(kernel.calls().contains("mount tracefs " + TRACING), kernel.calls().toString());
            assertEquals(List.of("perf_event_open type=2 config=312 pid=-1 cpu=0 config2=0"), perfOpens());
        }
    }

    @Test
    void tracefsThatCannotBeMountedSaysWhatToRun() {
        kernel.onMount(() -> {
            throw new BpfException("mount", Errno.EPERM, null);
        });
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
            BpfException e = assertThrows(BpfException.class,
                    () -> prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec")));
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("needs CAP_SYS_ADMIN") && e.getMessage().contains("mount -t tracefs nodev"),
                    e.getMessage());
        }
    }

    @Test
    void tracefsMountedButUnreadableIsNotCalledUnmounted() {
        withTracefs().inaccessible(TRACING);
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
            BpfException e = assertThrows(BpfException.class,
                    () -> prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec")));
            assertEquals(Errno.EACCES, e.errno());
            assertTrue(e.getMessage().contains("mounted at " + TRACING) && e.getMessage().contains("CAP_DAC_READ_SEARCH"),
                    e.getMessage());
            assertFalse(kernel.calls().stream().anyMatch(c -> c.startsWith("mount")), "must not try to mount over it");
        }
    }

    @Test
    void unknownTracepointNamesTheMissingEventAndTheList() {
        withTracefs();
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
            BpfException e = assertThrows(BpfException.class,
                    () -> prog.attach(AttachPoint.tracepoint("sched", "sched_nothing")));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains("no tracepoint 'sched_nothing' in category 'sched'"), e.getMessage());
        }
    }

    // ---- perf links, cookies, the ioctl fallback ---------------------------------------------

    @Test
    void aCookieGoesIntoTheLink() {
        withTracefs();
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"));
             BpfLink link = prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec"),
                     TracepointLink.Options.cookie(77))) {
            assertTrue(kernel.calls().stream().anyMatch(c -> c.startsWith("BPF_LINK_CREATE") && c.endsWith("cookie=77")),
                    kernel.calls().toString());
        }
    }

    @Test
    void withoutPerfLinksTheIoctlAttachesAndACookieIsRefused() {
        withTracefs().failLinkCreate(Errno.EINVAL);
        try (BpfProgram prog = load(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
            try (BpfLink link = prog.attach(AttachPoint.tracepoint("sched", "sched_process_exec"))) {
                assertFalse(link.isBpfLink());
                assertEquals(-1, link.info().linkId());
                assertTrue(kernel.calls().stream().anyMatch(c -> c.contains(" 0x40042408 ")), "PERF_EVENT_IOC_SET_BPF");
            }
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(
                    AttachPoint.tracepoint("sched", "sched_process_exec"), TracepointLink.Options.cookie(1)));
            assertTrue(e.getMessage().contains("5.15"), e.getMessage());
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    // ---- kprobes -----------------------------------------------------------------------------

    @Test
    void kprobeWithAnExactSymbolUsesThePmu() {
        withKprobePmu().file("/proc/kallsyms", "ffffffff81000000 T do_execveat_common\n");
        try (BpfProgram prog = load(AttachPoint.kprobe("do_execveat_common"));
             BpfLink link = prog.attachKprobe("do_execveat_common")) {
            assertInstanceOf(KprobeLink.class, link);
            assertEquals(List.of("perf_event_open type=8 config=0 pid=-1 cpu=0 path=do_execveat_common config2=0"),
                    perfOpens());
            assertEquals("kprobe do_execveat_common (kprobe PMU)", link.info().attachedTo());
        }
    }

    @Test
    void kprobeOnAFunctionTheCompilerClonedProbesItsOnlyTraceableClone() {
        withKprobePmu().file("/proc/kallsyms", "ffffffff81000000 t do_execveat_common.isra.0\n"
                + "ffffffff81000400 t do_execveat_common.cold\n"
                + "ffffffff81000800 T do_execveat_common_other\n");
        try (BpfProgram prog = load(AttachPoint.kretprobe("do_execveat_common"));
             BpfLink link = prog.attachKretprobe("do_execveat_common")) {
            assertEquals(List.of("perf_event_open type=8 config=1 pid=-1 cpu=0 path=do_execveat_common.isra.0 config2=0"),
                    perfOpens());
            assertEquals(AttachPoint.kretprobe("do_execveat_common"), link.target());
            assertTrue(link.info().attachedTo().startsWith("kretprobe do_execveat_common.isra.0"), link.info().toString());
        }
    }

    @Test
    void severalTraceableClonesAreAnErrorThatListsThem() {
        withKprobePmu().file("/proc/kallsyms", "1 t f.isra.0\n2 t f.constprop.0\n3 t f.part.0\n");
        withTracefs().file(TRACING + "/available_filter_functions", "f.isra.0\nf.constprop.0\n");
        try (BpfProgram prog = load(AttachPoint.kprobe("f"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attachKprobe("f"));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains("f.isra.0, f.constprop.0") && !e.getMessage().contains("f.part.0"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("AttachPoint.kprobe(\"f.isra.0\")"), e.getMessage());
            assertEquals(List.of(), perfOpens());
        }
    }

    @Test
    void theTraceableListPicksOneCloneAmongSeveral() {
        withKprobePmu().file("/proc/kallsyms", "1 t f.isra.0\n2 t f.constprop.0\n");
        withTracefs().file(TRACING + "/available_filter_functions", "g\nf.constprop.0\n");
        try (BpfProgram prog = load(AttachPoint.kprobe("f")); BpfLink link = prog.attachKprobe("f")) {
            assertTrue(perfOpens().get(0).contains("path=f.constprop.0"), perfOpens().toString());
        }
    }

    @Test
    void aMissingFunctionIsCalledMissingOnlyWhenNeitherTheNameNorACloneExists() {
        withKprobePmu().file("/proc/kallsyms", "1 T do_execveat_common\n")
                .failPerfEventOpen(a -> Errno.ENOENT);
        try (BpfProgram prog = load(AttachPoint.kprobe("do_execveat_commn"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attachKprobe("do_execveat_commn"));
            assertTrue(e.getMessage().contains("does not exist in this kernel"), e.getMessage());
            assertTrue(e.getMessage().contains("no symbol 'do_execveat_commn' or clone"), e.getMessage());
        }
    }

    @Test
    void anExistingButUntraceableFunctionIsCalledNotrace() {
        withKprobePmu().file("/proc/kallsyms", "1 t rcu_nmi_enter\n").failPerfEventOpen(a -> Errno.EINVAL);
        withTracefs().file(TRACING + "/available_filter_functions", "vfs_read\n");
        try (BpfProgram prog = load(AttachPoint.kprobe("rcu_nmi_enter"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attachKprobe("rcu_nmi_enter"));
            assertTrue(e.getMessage().contains("exists but cannot be probed") && e.getMessage().contains("notrace"),
                    e.getMessage());
        }
    }

    @Test
    void aKernelWithoutKprobesGetsTheOneLineErrorWithATracepointToUse() {
        withTracefs();
        try (BpfProgram prog = load(AttachPoint.kprobe("do_execveat_common"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attachKprobe("do_execveat_common"));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains("CONFIG_KPROBES is off") && e.getMessage().contains("sched_process_exec"),
                    e.getMessage());
            assertEquals(List.of(), perfOpens());
        }
    }

    /** A fake kprobe_events: accepts "p:"/"r:" lines (creating the event's id file) and "-:" removals. */
    private void withKprobeEvents(String initial) {
        withTracefs().file(TRACING + "/kprobe_events", initial);
        kernel.onAppend((k, path, text) -> {
            String line = text.trim();
            String current = k.fileText(path);
            if (line.startsWith("-:")) {
                String event = line.substring(2);            // group/event
                String kept = current.lines().filter(l -> !event.equals(l.substring(l.indexOf(':') + 1, l.indexOf(' '))))
                        .map(l -> l + "\n").collect(Collectors.joining());
                if (kept.equals(current)) {
                    throw new IOException("No such file or directory");
                }
                k.file(path.toString(), kept);
                k.removeFile(TRACING + "/events/" + event + "/id");
                return;
            }
            String symbol = line.substring(line.indexOf(' ') + 1);
            if (symbol.startsWith("missing")) {
                throw new IOException("No such file or directory");
            }
            String event = line.substring(line.indexOf(':') + 1, line.indexOf(' '));
            k.file(path.toString(), current + line + "\n");
            k.file(TRACING + "/events/" + event + "/id", "2000\n");
        });
    }

    @Test
    void withoutTheKprobePmuTheProbeIsWrittenToTracefsAndRemovedAtClose() {
        withKprobeEvents("");
        kernel.file("/proc/kallsyms", "1 t do_execveat_common.isra.0\n");
        try (BpfProgram prog = load(AttachPoint.kretprobe("do_execveat_common"))) {
            BpfLink link = prog.attach(AttachPoint.kretprobe("do_execveat_common"), new KprobeLink.Options(0, 64));
            String events = kernel.fileText(Path.of(TRACING, "kprobe_events"));
            assertTrue(events.matches("r64:bpf4j/bpf4j_\\d+_\\d+ do_execveat_common\\.isra\\.0\n"), events);
            assertEquals(List.of("perf_event_open type=2 config=2000 pid=-1 cpu=0 config2=0"), perfOpens());
            assertTrue(link.info().attachedTo().contains("tracefs kprobe_events"), link.info().toString());
            link.close();
            assertEquals("", kernel.fileText(Path.of(TRACING, "kprobe_events")), "no bpf4j_* event left after close");
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aProbeTheKernelRefusesInTracefsIsExplainedAndNothingIsLeft() {
        withKprobeEvents("");
        kernel.file("/proc/kallsyms", "1 T other\n");
        try (BpfProgram prog = load(AttachPoint.kprobe("missing_fn"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attachKprobe("missing_fn"));
            assertTrue(e.getMessage().contains("does not exist in this kernel"), e.getMessage());
        }
        assertEquals("", kernel.fileText(Path.of(TRACING, "kprobe_events")));
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void probesLeftInTracefsByDeadProcessesAreRemovedAndThoseOfLiveOnesKept() {
        kernel.dir("/proc/4242");
        withKprobeEvents("p:bpf4j/bpf4j_999999_1 vfs_read\np:bpf4j/bpf4j_4242_1 vfs_read\np:kprobes/mine vfs_write\n");
        kernel.file("/proc/kallsyms", "1 T vfs_read\n");
        try (BpfProgram prog = load(AttachPoint.kprobe("vfs_read")); BpfLink link = prog.attachKprobe("vfs_read")) {
            String events = kernel.fileText(Path.of(TRACING, "kprobe_events"));
            assertFalse(events.contains("bpf4j_999999_1"), events);
            assertTrue(events.contains("bpf4j_4242_1") && events.contains("kprobes/mine"), events);
        }
    }

    @Test
    void maxActiveIsRefusedWhereThePmuCannotTakeIt() {
        withKprobePmu().file("/proc/kallsyms", "1 T f\n");
        try (BpfProgram prog = load(AttachPoint.kretprobe("f"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> prog.attach(AttachPoint.kretprobe("f"), new KprobeLink.Options(0, 16)));
            assertTrue(e.getMessage().contains("kprobe PMU"), e.getMessage());
        }
    }

    // ---- uprobes, raw tracepoints, sampling events -------------------------------------------

    private static final AttachPoint.UserFunction LIBC_ABS = AttachPoint.uprobe("libc", "abs");

    @Test
    void uprobeWithAPidFollowsThatProcessOnEveryCpuWithItsSemaphore() {
        kernel.file(PMUS + "/uprobe/type", "9\n").file(PMUS + "/uprobe/format/retprobe", "config:0\n")
                .file(PMUS + "/uprobe/format/ref_ctr_offset", "config:32-63\n").dir("/proc/1234");
        UprobeLink.Location where = UprobeLink.resolve(LIBC_ABS);
        try (BpfProgram prog = load(LIBC_ABS);
             BpfLink link = prog.attach(LIBC_ABS, new UprobeLink.Options(1234, 0x40, 0))) {
            assertEquals(List.of("perf_event_open type=9 config=" + (0x40L << 32) + " pid=1234 cpu=-1 path=" + where.file()
                    + " config2=" + where.fileOffset()), perfOpens());
            assertTrue(link.info().attachedTo().endsWith("pid 1234"), link.info().toString());
        }
    }

    @Test
    void uprobeOnAProcessThatDoesNotExistIsRefusedBeforeOpening() {
        kernel.file(PMUS + "/uprobe/type", "9\n");
        try (BpfProgram prog = load(LIBC_ABS)) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(LIBC_ABS, UprobeLink.Options.pid(77777)));
            assertEquals(Errno.ESRCH, e.errno());
            assertEquals(List.of(), perfOpens());
        }
    }

    @Test
    void aKernelWithoutTheUprobePmuSaysSo() {
        try (BpfProgram prog = load(LIBC_ABS)) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(LIBC_ABS));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("CONFIG_UPROBE_EVENTS"), e.getMessage());
        }
    }

    @Test
    void rawTracepointIsABpfLinkAndTakesNoOptions() {
        try (BpfProgram prog = load(AttachPoint.rawTracepoint("sys_enter"));
             BpfLink link = prog.attach(AttachPoint.rawTracepoint("sys_enter"))) {
            assertInstanceOf(RawTracepointLink.class, link);
            assertEquals(0, link.info().perfEvents());
            assertThrows(IllegalArgumentException.class,
                    () -> prog.attach(AttachPoint.rawTracepoint("sys_enter"), TracepointLink.Options.NONE));
        }
    }

    @Test
    void samplingOpensOneEventPerOnlineCpuForTheThreadAsked() {
        kernel.file("/sys/devices/system/cpu/online", "0-2\n").dir("/proc/55");
        try (BpfProgram prog = load(AttachPoint.cpuClock(49));
             BpfLink link = prog.attach(AttachPoint.cpuClock(49), PerfEventLink.Options.tid(55))) {
            assertEquals(3, link.info().perfEvents());
            assertEquals(List.of("perf_event_open type=1 config=0 pid=55 cpu=0 config2=0",
                    "perf_event_open type=1 config=0 pid=55 cpu=1 config2=0",
                    "perf_event_open type=1 config=0 pid=55 cpu=2 config2=0"), perfOpens());
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aSamplingEventThatFailsOnOneCpuClosesThoseOpenedBefore() {
        kernel.file("/sys/devices/system/cpu/online", "0-3\n");
        int[] n = {0};
        kernel.failPerfEventOpen(a -> ++n[0] == 3 ? Errno.EACCES : null);
        try (BpfProgram prog = load(AttachPoint.cpuClock(49))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(AttachPoint.cpuClock(49)));
            assertTrue(e.getMessage().contains("cpu 2"), e.getMessage());
        }
        assertEquals(Set.of(), kernel.openFds());
    }
}
