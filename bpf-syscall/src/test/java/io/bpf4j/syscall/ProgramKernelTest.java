package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.tgid;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Helper;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

@KernelTest
class ProgramKernelTest {

    /** Counts calls by this process (tgid filter) into slot 0 of {@code counts}. */
    static Program countingProgram(BpfMap counts, int tgid) {
        return Program.builder()
                .call(Helper.GET_CURRENT_PID_TGID)
                .rsh64(Reg.R0, 32)
                .jne(Reg.R0, tgid, "out")
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

    @Test
    void verifierRejectionOfUninitialisedReadPointsAtInstructionLabelAndJavaLine() {
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 6;
        Program bad = Program.builder().recordSourcePositions(true)
                .mov64(Reg.R0, 0)
                .mov64(Reg.R1, 1)
                .ja("body")
                .label("body")
                .mov64(Reg.R0, Reg.R2) // reads r2 before anything wrote it
                .exit()
                .build();
        VerifierException e = assertThrows(VerifierException.class,
                () -> BpfProgram.load(ProgramSpec.socketFilter("bad_r2", bad)));
        assertEquals(3, e.failingInstruction(), e.getMessage());
        assertTrue(e.log().contains("R2 !read_ok"), e.log());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
        assertEquals("body", e.label().orElseThrow());
        assertEquals("ProgramKernelTest.verifierRejectionOfUninitialisedReadPointsAtInstructionLabelAndJavaLine"
                + "(ProgramKernelTest.java:" + line + ")", e.sourcePosition().orElseThrow());
        assertTrue(e.listing().contains("> 3: (bf) r0 = r2"), e.listing());
        assertTrue(e.listing().contains("body:"), e.listing());
        assertTrue(e.getMessage().contains("emitted at: ProgramKernelTest."), e.getMessage());
    }

    @Test
    void verifierLogLargerThanTheFirstBufferIsKeptWhole() {
        // 4,000 instructions before the faulty read: the level-1 log (one line per instruction)
        // outgrows the first 64 KiB buffer, the kernel answers ENOSPC with log_true_size, and the
        // load is retried with a buffer that size.
        io.bpf4j.core.ProgramBuilder b = Program.builder();
        for (int i = 0; i < 4000; i++) {
            b.mov64(Reg.R1, i);
        }
        Program big = b.mov64(Reg.R0, Reg.R2).exit().build();
        VerifierException e = assertThrows(VerifierException.class,
                () -> BpfProgram.load(ProgramSpec.socketFilter("big_log", big)));
        assertEquals(4000, e.failingInstruction());
        assertTrue(e.log().length() > 64 * 1024, "log of " + e.log().length() + " chars");
        // (Linux 6.1 prints the context register of the first line as "ctx(off=0,imm=0)")
        assertTrue(e.log().startsWith("func#0 @0") || e.log().contains("0: R1=ctx() R10=fp0")
                || e.log().startsWith("0: R1=ctx(off=0,imm=0) R10=fp0"), e.log().substring(0, 200));
        assertTrue(e.log().contains("\n3999: (b7) r1 = 3999"), "middle of the log missing");
        assertTrue(e.log().contains("R2 !read_ok"));
    }

    @Test
    void syscallProgramTestRunTakesContextInAndGivesItBack() {
        Program p = Program.builder()
                .ldxdw(Reg.R2, Reg.R1, 0)
                .mov64(Reg.R3, Reg.R2)
                .mul64(Reg.R3, 3)
                .stxdw(Reg.R1, 8, Reg.R3)
                .mov64(Reg.R0, Reg.R2)
                .add64(Reg.R0, 1)
                .exit()
                .build();
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.syscall("ctx_in_out", p).license("GPL"))) {
            byte[] ctx = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 14).array();
            TestRunResult r = prog.testRun(TestRun.ctx(ctx));
            assertEquals(15, r.retval());
            ByteBuffer out = ByteBuffer.wrap(r.ctxOut()).order(ByteOrder.nativeOrder());
            assertEquals(14, out.getLong(0));
            assertEquals(42, out.getLong(8));

            ByteBuffer direct = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).putLong(0, 100);
            assertEquals(101, prog.run(direct));
            assertEquals(300, direct.getLong(8));
        }
    }

    @Test
    void xdpTestRunTakesPacketDataInAndOutAndRepeats() {
        Program pass = Program.builder().mov64(Reg.R0, 2).exit().build(); // XDP_PASS
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.xdp("xdp_pass", pass).license("GPL"))) {
            byte[] packet = new byte[64];
            for (int i = 0; i < packet.length; i++) {
                packet[i] = (byte) i;
            }
            TestRunResult r = prog.testRun(TestRun.data(packet).dataOut(128).repeat(10));
            assertEquals(2, r.retval());
            assertEquals(64, r.dataOut().length);
            assertEquals(java.util.Arrays.toString(packet), java.util.Arrays.toString(r.dataOut()));
            assertTrue(r.durationNanos() >= 0);
        }
    }

    @Test
    void runningASyscallProgramInALoopAllocatesNothing() throws ReflectiveOperationException {
        Program p = Program.builder().ldxdw(Reg.R2, Reg.R1, 0).add64(Reg.R2, 1).stxdw(Reg.R1, 0, Reg.R2)
                .mov64(Reg.R0, 0).exit().build();
        // Through reflection: the tests compile inside the io.bpf4j.syscall module, which does not read
        // jdk.management; they run on the class path, where it is visible.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        try (BpfProgram prog = BpfProgram.load(ProgramSpec.syscall("no_alloc", p).license("GPL"))) {
            ByteBuffer ctx = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            for (int i = 0; i < 20_000; i++) {
                prog.run(ctx);
            }
            long before = (Long) allocatedBytes.invoke(threads);
            for (int i = 0; i < 10_000; i++) {
                prog.run(ctx);
            }
            long allocated = (Long) allocatedBytes.invoke(threads) - before;
            assertEquals(30_000, ctx.getLong(0));
            // A few hundred bytes of slack for the measurement itself; one object per run would be 160 KB.
            assertTrue(allocated < 4096, allocated + " bytes allocated over 10,000 runs");
        }
    }

    @Test
    void tracepointProgramCountsThisProcesssGetppidCallsExactly() {
        try (BpfMap counts = BpfMap.create(MapSpec.array("getppid_n", 8, 1));
             BpfProgram prog = BpfProgram.load(ProgramSpec.tracepoint("count_getppid", countingProgram(counts, tgid()))
                     .license("GPL").maps(counts))) {
            int calls = 137;
            try (BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid")) {
                assertNotNull(link.description());
                for (int i = 0; i < calls; i++) {
                    KernelFixtures.Libc.getppid();
                }
            }
            // Detached: further calls are not counted.
            KernelFixtures.Libc.getppid();
            assertEquals(calls, asU64(counts.lookup(u32(0)).orElseThrow()));
        }
    }
}
