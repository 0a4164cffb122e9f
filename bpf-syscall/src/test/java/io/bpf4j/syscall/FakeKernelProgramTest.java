package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.testing.FakeKernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Program loading logic against the fake kernel. */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
class FakeKernelProgramTest {
    private final FakeKernel kernel = new FakeKernel();

    private static Program usesMap(String name) {
        return Program.builder().ldMap(Reg.R1, MapReference.named(name)).mov64(Reg.R0, 0).exit().build();
    }

    @Test
    void firstLoadRunsWithoutLogAndSucceeds() {
        try (BpfMap m = BpfMap.create(kernel, MapSpec.array("m", 4, 1));
             BpfProgram p = BpfProgram.load(kernel, ProgramSpec.socketFilter("ok", usesMap("m")).maps(m))) {
            assertEquals(1, kernel.loads().size());
            assertEquals(0, kernel.loads().get(0).logLevel());
            assertTrue(p.fd() > 0);
        }
    }

    @Test
    void mapReferencesResolveToTheFdOfTheMapWithThatName() {
        try (BpfMap m = BpfMap.create(kernel, MapSpec.array("counts", 8, 1));
             BpfProgram p = BpfProgram.load(kernel, ProgramSpec.socketFilter("p", usesMap("counts")).maps(m))) {
            ByteBuffer insns = kernel.loads().get(0).insns();
            assertEquals(m.fd(), insns.order(ByteOrder.nativeOrder()).getInt(4));
            assertEquals(1, (insns.get(1) >> 4) & 0xf, "src = BPF_PSEUDO_MAP_FD");
        }
    }

    @Test
    void unresolvedMapReferenceNamesTheMapAndWhatWasGiven() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.load(kernel, ProgramSpec.socketFilter("p", usesMap("missing"))));
        assertTrue(e.getMessage().contains("map 'missing'"), e.getMessage());
        assertEquals(List.of(), kernel.loads());
    }

    @Test
    void rejectionReloadsWithALogAndGrowsItToTheTrueSize() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            log.append("0: R1=ctx() R10=fp0 padding line ").append(i).append('\n');
        }
        log.append("0: (bf) r0 = r2\nR2 !read_ok\nprocessed 1 insns\n");
        kernel.rejectLoads(Errno.EACCES, log.toString());
        Program bad = Program.builder().mov64(Reg.R0, Reg.R2).exit().build();
        VerifierException e = assertThrows(VerifierException.class,
                () -> BpfProgram.load(kernel, ProgramSpec.socketFilter("bad", bad)));
        List<Kernel.ProgLoadRequest> loads = kernel.loads();
        assertEquals(3, loads.size(), "no log, too small a log, the true size");
        assertEquals(0, loads.get(0).logLevel());
        assertEquals(1, loads.get(1).logLevel());
        assertTrue(loads.get(2).logBuf().capacity() > log.length());
        assertEquals(log.toString(), e.log());
        assertEquals(0, e.failingInstruction());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void anInstructionTooNewForTheKernelIsNamedWithTheVersionItNeeds() {
        // Linux 6.1 refuses a sign-extending load before its trace starts: "BPF_LDX uses reserved
        // fields" (what it says) or "unknown opcode 91" (what the opcode table check says).
        for (String log : List.of("BPF_LDX uses reserved fields\n", "unknown opcode 91\nprocessed 0 insns\n")) {
            kernel.rejectLoads(Errno.EINVAL, log);
            Program v4 = Program.builder().stw(Reg.R10, -8, -1).ldsxb(Reg.R0, Reg.R10, -8).exit().build();
            VerifierException e = assertThrows(VerifierException.class,
                    () -> BpfProgram.load(kernel, ProgramSpec.socketFilter("v4", v4)));
            assertEquals(1, e.failingInstruction(), "the sign-extending load's slot");
            assertTrue(e.getMessage().contains("needs Linux 6.6"), e.getMessage());
            assertTrue(e.getMessage().contains("Features.hasInstructionSetV4()"), e.getMessage());
            assertTrue(e.getMessage().contains("r0 = *(s8 *)(r10 -8)"), e.getMessage());
        }
    }

    @Test
    void subprogramsGetOneBtfFuncEachAndTheBtfFdIsClosedAfterLoad() {
        Program p = Program.builder()
                .ldFunc(Reg.R2, "cb")      // slots 0-1
                .callLocal("sub")          // slot 2
                .exit()                    // slot 3
                .label("sub").mov64(Reg.R0, 1).exit()   // slots 4-5
                .label("cb").mov64(Reg.R0, 0).exit()    // slots 6-7
                .build();
        try (BpfProgram prog = BpfProgram.load(kernel, ProgramSpec.syscall("subs", p))) {
            Kernel.ProgLoadRequest r = kernel.loads().get(0);
            assertEquals(3, r.funcInfoCount());
            ByteBuffer info = r.funcInfo().order(ByteOrder.nativeOrder());
            assertEquals(List.of(0, 4, 6), List.of(info.getInt(0), info.getInt(8), info.getInt(16)));
            assertEquals(List.of(3, 4, 5), List.of(info.getInt(4), info.getInt(12), info.getInt(20)));
            assertTrue(r.progBtfFd() > 0);
            assertTrue(kernel.calls().contains("close " + r.progBtfFd()), kernel.calls().toString());
            assertEquals(Set.of(prog.fd()), kernel.openFds());
        }
    }

    @Test
    void programWithoutSubprogramsLoadsWithoutBtf() {
        try (BpfProgram prog = BpfProgram.load(kernel, ProgramSpec.syscall("flat",
                Program.builder().mov64(Reg.R0, 0).exit().build()))) {
            assertEquals(0, kernel.loads().get(0).progBtfFd());
            assertTrue(kernel.calls().stream().noneMatch(c -> c.startsWith("BPF_BTF_LOAD")));
        }
    }

    @Test
    void failureWithoutLogIsAPlainBpfExceptionWithAHint() {
        kernel.rejectLoads(Errno.EINVAL, null);
        BpfException e = assertThrows(BpfException.class,
                () -> BpfProgram.load(kernel, ProgramSpec.xdp("x", Program.builder().mov64(Reg.R0, 2).exit().build())));
        assertTrue(!(e instanceof VerifierException));
        assertTrue(e.getMessage().contains("prog_type 6 (XDP)"), e.getMessage());
    }

    @Test
    void syscallTestRunReturnsTheContextTheProgramLeft() {
        kernel.onTestRun(ctx -> {
            ctx[0] = 9;
            return 5;
        });
        try (BpfProgram p = BpfProgram.load(kernel, ProgramSpec.syscall("s", Program.builder().mov64(Reg.R0, 0).exit().build()))) {
            TestRunResult r = p.testRun(TestRun.ctx(new byte[8]));
            assertEquals(5, r.retval());
            assertEquals(9, r.ctxOut()[0]);
            assertEquals(ProgramSpec.F_SLEEPABLE, kernel.loads().get(0).progFlags());
        }
    }
}
