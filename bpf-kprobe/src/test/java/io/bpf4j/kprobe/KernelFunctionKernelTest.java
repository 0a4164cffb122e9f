package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.structs.StructValue;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.Tracefs;
import io.bpf4j.syscall.testing.KernelTest;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kprobes on real kernel functions, decided by probing the kernel, not by its version: where
 * the kernel has kprobes (Debian's 6.1 in CI's VM) each test attaches and checks what the probe
 * saw; where it has none (CI's 6.18 host, {@code CONFIG_KPROBES} off) the same test asserts the
 * one-line error. The function with six known arguments is {@code __sys_sendto(fd, buff, len,
 * flags, addr, addr_len)}, driven by a {@code sendto(2)} on a descriptor that does not exist:
 * the kernel enters the function with the arguments as given and returns {@code -EBADF}.
 */
@KernelTest
class KernelFunctionKernelTest {
    static final int SELF = (int) ProcessHandle.current().pid();
    private static final int BAD_FD = 987_654;
    private static final int LEN = 77;
    private static final int FLAGS = 0x40;            // MSG_DONTWAIT
    private static final int ADDR_LEN = 16;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

        int getuid();
    }

    private static boolean kprobes() {
        return Features.system().hasKprobes();
    }

    /** The kernel's answer where it has no kprobes: one line, the tracepoint to use instead. */
    private static void assertNoKprobes(BpfProgram prog, AttachPoint at) {
        BpfException e = assertThrows(BpfException.class, () -> prog.attach(at));
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("this kernel has no kprobes (CONFIG_KPROBES is off"), e.getMessage());
    }

    private static long[] read(BpfMap result, int n) {
        ByteBuffer v = ByteBuffer.wrap(result.lookup(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 0)
                .array()).orElseThrow()).order(ByteOrder.nativeOrder());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = v.getLong(8 * i);
        }
        return out;
    }

    /** Calls sendto(2) the way the tests expect to see it; returns the two pointers passed. */
    private static long[] sendto(Memory buf, Memory addr) {
        long r = LibC.INSTANCE.sendto(BAD_FD, buf, LEN, FLAGS, addr, ADDR_LEN);
        assertEquals(-1, r);
        assertEquals(9, Native.getLastError(), "EBADF");
        return new long[] {Pointer.nativeValue(buf), Pointer.nativeValue(addr)};
    }

    private static void assertSixArguments(long[] seen, long[] pointers) {
        assertEquals(BAD_FD, (int) seen[0], "fd (int: low 32 bits)");
        assertEquals(pointers[0], seen[1], "buff");
        assertEquals(LEN, seen[2], "len");
        assertEquals(FLAGS, (int) seen[3], "flags");
        assertEquals(pointers[1], seen[4], "addr");
        assertEquals(ADDR_LEN, (int) seen[5], "addr_len");
    }

    private static final Reg[] SIX = {Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6};

    /**
     * Loads {@code p}; where the kernel has kprobes, attaches it, makes the sendto(2) call and hands
     * the map and the pointers passed to {@code check}; where it has none, asserts the clear error.
     */
    private static void probeOneSendto(ProbeProgram p, BpfMap result, java.util.function.BiConsumer<BpfMap, long[]> check) {
        try (BpfProgram prog = Loading.load(p)) {
            if (!kprobes()) {
                assertNoKprobes(prog, p.target());
                return;
            }
            BpfLink link = prog.attach();
            try (link; Memory buf = new Memory(LEN); Memory addr = new Memory(ADDR_LEN)) {
                check.accept(result, sendto(buf, addr));
            }
        }
    }

    @Test
    void sixArgumentsOfAKernelFunctionAreReadThroughThePrologue() {
        try (BpfMap result = BpfMap.create(MapSpec.array("sendto_args", 8 * SIX.length, 1))) {
            probeOneSendto(Kprobe.entry("__sys_sendto").args(SIX).body(ResultBodies.storeToArray(result, 0, SELF, SIX))
                    .build(), result, (map, pointers) -> assertSixArguments(read(map, 6), pointers));
        }
    }

    @Test
    void kretprobeSeesTheKernelFunctionsReturnValue() {
        try (BpfMap result = BpfMap.create(MapSpec.array("sendto_ret", 8, 1))) {
            probeOneSendto(Kprobe.ret("__sys_sendto").returnValue(Reg.R6)
                    .body(ResultBodies.storeToArray(result, 0, SELF, Reg.R6)).build(), result,
                    (map, pointers) -> assertEquals(-9, (int) read(map, 1)[0], "-EBADF (an int: the low 32 bits of rax)"));
        }
    }

    @Test
    void syscallProbeReadsTheArgumentsThroughTheWrappersPtRegs() {
        try (BpfMap result = BpfMap.create(MapSpec.array("sys_sendto", 8 * SIX.length, 1))) {
            probeOneSendto(SyscallProbe.entry("sendto").args(SIX).body(ResultBodies.storeToArray(result, 0, SELF, SIX))
                    .build(), result, (map, pointers) -> assertSixArguments(read(map, 6), pointers));
        }
    }

    /** The lab's kprobe on do_execveat_common (through its compiler clone where the kernel has one). */
    @Test
    void theLabsKprobeSeesTheExecOfAChild(@TempDir Path dir) throws Exception {
        Path exe = dir.resolve("bpf4j-kp-exec");
        Files.copy(Path.of("/bin/true"), exe, StandardCopyOption.COPY_ATTRIBUTES);
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuf("exec_events", 256 * 1024))) {
            ProbeProgram p = LabExecTracer.build(io.bpf4j.core.arch.Architectures.current(), ring);
            try (BpfProgram prog = Loading.load(p)) {
                if (!kprobes()) {
                    assertNoKprobes(prog, p.target());
                    return;
                }
                List<StructValue> events = new ArrayList<>();
                long child;
                try (BpfLink link = prog.attach(); RingBufferReader reader = RingBufferReader.open(ring)) {
                    System.out.println("lab kprobe: " + link.info());
                    Process proc = new ProcessBuilder(exe.toString()).start();
                    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "child exited");
                    child = proc.pid();
                    reader.consume(rec -> events.add(LabExecTracer.EXEC.decode(rec.order(ByteOrder.nativeOrder()))));
                }
                // At the kprobe the exec has not happened yet: the comm is still the caller's.
                StructValue ev = events.stream().filter(e -> e.getLong("pid") == child).reduce((a, b) -> b)
                        .orElseThrow(() -> new AssertionError("no exec event of pid " + child + " among " + events));
                assertEquals(child, ev.getLong("tgid"));
                assertEquals(LibC.INSTANCE.getuid(), ev.getLong("uid"));
                assertTrue(ev.getLong("timestamp") > 0, ev.toString());
            }
        }
    }

    /** A view of the system kernel with no kprobe PMU, so attaching takes the tracefs kprobe_events path. */
    private static Kernel withoutKprobePmu() {
        Kernel real = Kernel.system();
        Path pmu = Path.of("/sys/bus/event_source/devices/kprobe");
        InvocationHandler h = (proxy, method, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof Path && ((Path) args[0]).startsWith(pmu)) {
                if (method.getName().equals("pathKind")) {
                    return Kernel.PathKind.MISSING;
                }
                if (method.getName().equals("readFile")) {
                    throw new java.nio.file.NoSuchFileException(args[0].toString());
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class}, h);
    }

    @Test
    void theTracefsFallbackAttachesLeavesNoEventBehindAndRemovesThoseOfDeadProcesses() throws Exception {
        Kernel k = withoutKprobePmu();
        Path events;
        try {
            events = Tracefs.root(k).resolve("kprobe_events");
        } catch (BpfException noTracefs) {
            throw new AssertionError("tracefs is needed by every kernel test run", noTracefs);
        }
        boolean hasEvents = Files.exists(events);
        try (BpfMap result = BpfMap.create(MapSpec.array("tfs_args", 8 * SIX.length, 1))) {
            ProbeProgram p = Kprobe.entry("__sys_sendto").args(SIX)
                    .body(ResultBodies.storeToArray(result, 0, SELF, SIX)).build();
            try (BpfProgram prog = BpfProgram.load(k, ProgramSpec.of(p).license("GPL").maps(result))) {
                if (!hasEvents) {
                    assertNoKprobes(prog, p.target());
                    return;
                }
                // A probe a killed bpf4j process left behind (that pid does not run).
                int dead = deadPid();
                String stale = "bpf4j_" + dead + "_1";
                Files.writeString(events, "p:bpf4j/" + stale + " __sys_sendto\n", java.nio.file.StandardOpenOption.APPEND);
                assertTrue(Files.readString(events).contains(stale));
                String ours;
                try (Memory buf = new Memory(LEN); Memory addr = new Memory(ADDR_LEN); BpfLink link = prog.attach()) {
                    assertTrue(link.info().attachedTo().contains("tracefs kprobe_events"), link.info().toString());
                    String text = Files.readString(events);
                    assertFalse(text.contains(stale), "the dead process's probe was removed: " + text);
                    ours = text.lines().filter(l -> l.contains("bpf4j_" + SELF + "_")).findFirst()
                            .orElseThrow(() -> new AssertionError("our probe is not in kprobe_events: " + text));
                    long[] pointers = sendto(buf, addr);
                    assertSixArguments(read(result, 6), pointers);
                }
                String name = ours.substring(ours.indexOf('/') + 1, ours.indexOf(' '));
                assertFalse(Files.readString(events).contains(name), "no bpf4j_* event of ours left after close");
            }
        }
    }

    private static int deadPid() {
        for (int pid = 4_000_000; pid > 3_000_000; pid -= 7) {
            if (!Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                return pid;
            }
        }
        throw new AssertionError("no unused pid found");
    }
}
