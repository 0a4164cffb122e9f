package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.tgid;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class ProbeKernelTest {
    /** pt_regs offsets of arg0 and the return value: arch/x86/include/asm/ptrace.h (di, ax), arch/arm64 (regs[0]). */
    private static final boolean X86 = System.getProperty("os.arch").equals("amd64");
    private static final int ARG0 = X86 ? 112 : 0;
    private static final int RET = X86 ? 80 : 0;
    private static final int MAGIC = -123_457;

    /** libc functions the probes watch, called through JNA. */
    static final class Calls {
        static {
            Native.register(Calls.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int abs(int x);

        static native long strlen(Pointer s);

        private Calls() {
        }
    }

    /**
     * A kprobe-type program: if this process is the caller and the pt_regs slot at {@code regOffset}
     * holds {@code expected} (32-bit compare), add one to slot 0 of {@code counts}.
     */
    private static Program countWhenRegisterIs(BpfMap counts, int regOffset, ProgramBuilder compare) {
        return Program.builder()
                .mov64(Reg.R6, Reg.R1)
                .call(Helper.GET_CURRENT_PID_TGID)
                .rsh64(Reg.R0, 32)
                .jne(Reg.R0, tgid(), "out")
                .ldxdw(Reg.R2, Reg.R6, regOffset)
                .append(compare.build())
                .stw(Reg.R10, -4, 0)
                .mov64(Reg.R2, Reg.R10)
                .add64(Reg.R2, -4)
                .ldMap(Reg.R1, counts)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(Reg.R0, 0, "out")
                .mov64(Reg.R1, 1)
                .atomicAdd64(Reg.R0, 0, Reg.R1)
                .label("out")
                .mov64(Reg.R0, 0)
                .exit()
                .build();
    }

    private static long count(BpfMap counts) {
        return asU64(counts.lookup(u32(0)).orElseThrow());
    }

    @Test
    void uprobeOnLibcAbsCountsExactlyThisProcesssCallsWithTheKnownArgument() {
        try (BpfMap counts = BpfMap.create(MapSpec.array("abs_calls", 8, 1));
             BpfProgram prog = BpfProgram.load(ProgramSpec.kprobe("abs_entry",
                     countWhenRegisterIs(counts, ARG0, Program.builder().jne32(Reg.R2, MAGIC, "out"))).license("GPL")
                     .maps(counts))) {
            try (BpfLink link = prog.attach(AttachPoint.uprobe("libc", "abs"))) {
                for (int i = 0; i < 250; i++) {
                    assertEquals(123_457, Calls.abs(MAGIC));
                    Calls.abs(5); // other arguments are not counted: proves arg0's pt_regs offset
                }
                assertTrue(link.description().contains("uprobe abs"), link.description());
            }
            Calls.abs(MAGIC); // detached
            assertEquals(250, count(counts));
        }
    }

    @Test
    void uretprobeOnLibcAbsSeesTheReturnValueOfEachCall() {
        try (BpfMap counts = BpfMap.create(MapSpec.array("abs_rets", 8, 1));
             BpfProgram prog = BpfProgram.load(ProgramSpec.kprobe("abs_ret",
                     countWhenRegisterIs(counts, RET, Program.builder().jne32(Reg.R2, -MAGIC, "out"))).license("GPL")
                     .maps(counts));
             BpfLink link = prog.attach(AttachPoint.uretprobe("libc", "abs"), UprobeLink.Options.pid(tgid()))) {
            for (int i = 0; i < 100; i++) {
                Calls.abs(MAGIC);
                Calls.abs(7);
            }
            assertEquals(100, count(counts));
        }
    }

    @Test
    void uprobeOnStrlenIfuncProbesTheImplementationThisProcessUsesNotTheResolver() {
        UprobeLink.Location r = UprobeLink.resolve(AttachPoint.uprobe("libc", "strlen"));
        assertTrue(r.ifunc(), r.description());
        assertTrue(r.description().startsWith("IFUNC strlen"), r.description());
        Memory text = new Memory(16);
        text.setString(0, "bpf4j-strlen");
        long address = Pointer.nativeValue(text);
        try (BpfMap counts = BpfMap.create(MapSpec.array("strlen_n", 8, 1));
             BpfProgram prog = BpfProgram.load(ProgramSpec.kprobe("strlen_entry",
                     countWhenRegisterIs(counts, ARG0, Program.builder().ldImm64(Reg.R3, address)
                             .jne(Reg.R2, Reg.R3, "out"))).license("GPL").maps(counts));
             BpfLink link = prog.attach(AttachPoint.uprobe("libc", "strlen"))) {
            for (int i = 0; i < 77; i++) {
                assertEquals(12, Calls.strlen(text));
            }
            assertEquals(77, count(counts));
        }
    }

    @Test
    void versionedSymbolNamesResolveToTheVersionAsked() {
        UprobeLink.Location plain = UprobeLink.resolve(AttachPoint.uprobe("libc", "abs"));
        UprobeLink.Location dflt = UprobeLink.resolve(AttachPoint.uprobe("libc", "abs@@GLIBC_2.2.5"));
        assertEquals(plain.fileOffset(), dflt.fileOffset());
        BpfException e = assertThrows(BpfException.class, () -> UprobeLink.resolve(AttachPoint.uprobe("libc", "abs@@GLIBC_9.99")));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("abs@@GLIBC_2.2.5"), e.getMessage());
    }

    @Test
    void unknownUprobeSymbolIsANamedErrorBeforeAnyKernelCall() {
        BpfException e = assertThrows(BpfException.class, () -> UprobeLink.resolve(AttachPoint.uprobe("libc", "no_such_function_x")));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no function 'no_such_function_x'"), e.getMessage());
    }

    @Test
    void kprobeAttachOnThisKernelFailsWithTheOneLineNoKprobesErrorAfterTheProgramLoaded() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.kprobe("kp_exec", p).license("GPL"))) {
            assertEquals(ProgramType.KPROBE, prog.type());
            if (Features.system().hasKprobes()) {
                // A kernel with kprobes: the attach works (through a compiler clone where the kernel has
                // one, do_execveat_common.isra.0 on Debian's 6.1) and detaches cleanly.
                try (BpfLink link = prog.attachKprobe("do_execveat_common")) {
                    assertFalse(link.isClosed());
                    assertTrue(link.info().attachedTo().contains("do_execveat_common"), link.info().toString());
                }
                return;
            }
            BpfException e = assertThrows(BpfException.class, () -> prog.attachKprobe("do_execveat_common"));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains("no kprobes (CONFIG_KPROBES is off"), e.getMessage());
            assertTrue(e.getMessage().contains("sched_process_exec"), e.getMessage());
            BpfException sys = assertThrows(BpfException.class, () -> prog.attachKretprobe("__x64_sys_openat"));
            assertTrue(sys.getMessage().contains("AttachPoint.tracepoint(\"syscalls\", \"sys_enter_openat\")"), sys.getMessage());
        }
    }

    @Test
    void kprobeFunctionNamesWithNewlineOrSpaceAreRejectedBeforeTracefsIsTouched() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.kprobe("kp_names", p).license("GPL"))) {
            IllegalArgumentException nl = assertThrows(IllegalArgumentException.class,
                    () -> prog.attachKprobe("do_sys_open\n-:kprobes/all"));
            assertTrue(nl.getMessage().contains("newline"), nl.getMessage());
            IllegalArgumentException sp = assertThrows(IllegalArgumentException.class,
                    () -> prog.attachKprobe("do_sys_open arg=%di"));
            assertTrue(sp.getMessage().contains("space"), sp.getMessage());
            assertThrows(IllegalArgumentException.class, () -> prog.attachTracepoint("syscalls", "sys_enter_getppid\n"));
        }
    }

    @Test
    void attachingTheWrongProgramTypeNamesBothTypes() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.socketFilter("wrong_type", p))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> prog.attachTracepoint("syscalls", "sys_enter_getppid"));
            assertTrue(e.getMessage().contains("SOCKET_FILTER") && e.getMessage().contains("needs a TRACEPOINT"),
                    e.getMessage());
        }
    }

    @Test
    void unknownTracepointNamesWhatIsMissing() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.tracepoint("tp_missing", p).license("GPL"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attachTracepoint("syscalls", "sys_enter_nothing"));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains("no tracepoint 'sys_enter_nothing' in category 'syscalls'"), e.getMessage());
        }
    }

    @Test
    void rawTracepointAndPerfEventAttachAndDetach() {
        Program p = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (BpfProgram raw = BpfProgram.load(ProgramSpec.rawTracepoint("raw_sys_enter", p).license("GPL"));
             BpfLink link = raw.attachRawTracepoint("sys_enter")) {
            assertTrue(link.isBpfLink());
        }
        try (BpfProgram perf = BpfProgram.load(ProgramSpec.perfEvent("cpu_clock", p).license("GPL"));
             BpfLink link = perf.attach(AttachPoint.cpuClock(49))) {
            assertTrue(link.description().contains("CPUs"), link.description());
            assertNotEquals(-1, link.fd());
        }
    }
}
