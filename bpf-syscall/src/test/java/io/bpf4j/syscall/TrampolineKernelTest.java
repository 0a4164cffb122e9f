package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.testing.KernelTest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * fentry, fexit and LSM programs for real. Where the kernel refuses BPF trampolines (the 6.18
 * sandbox kernel of this project's host refuses them to root with EPERM), the test asserts the
 * error that explains it; where it accepts them (Debian's 6.1 in {@code .ci/vm/run}), an fentry
 * program reads {@code vfs_llseek}'s {@code offset} argument found by name in BTF, an fexit
 * program its return value, and an LSM program refuses exec to the processes of one cgroup.
 */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class TrampolineKernelTest {
    /** A seek offset no one else uses: the programs count only it. */
    private static final int MAGIC = 0x5eed_b4f4;

    private static Program countWhenArgIs(MapReference counts, int argIndex, int value) {
        return Program.builder()
                .ldxdw(Reg.R2, Reg.R1, 8 * argIndex)
                .jne(Reg.R2, value, "out")
                .stw(Reg.R10, -4, 0)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                .mapLookup(counts, Reg.R2)
                .jeq(Reg.R0, 0, "out")
                .mov64(Reg.R1, 1).atomicAdd64(Reg.R0, 0, Reg.R1)
                .label("out").mov64(Reg.R0, 0).exit()
                .build();
    }

    /** Loads, or asserts the trampoline refusal and returns null. */
    private static BpfProgram loadOrExplainRefusal(ProgramSpec spec) {
        try {
            return BpfProgram.load(spec);
        } catch (BpfException e) {
            if (e.errno() != Errno.EPERM) {
                throw e;
            }
            assertTrue(e.getMessage().contains("this kernel refuses BPF trampolines, which fentry, fexit and LSM programs need"),
                    e.getMessage());
            System.out.println("[trampolines refused here, as the error explains] " + e.getMessage());
            return null;
        }
    }

    private static void seekMany(Path file, int times) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            for (int i = 0; i < times; i++) {
                f.seek(MAGIC);
                f.seek(0);
            }
        }
    }

    @Test
    void fentryReadsAnArgumentFoundByNameInBtf() throws Exception {
        AttachPoint.TracingFunction at = AttachPoint.fentry("vfs_llseek");
        int offset = TracingLink.argumentIndex(at, "offset");
        assertEquals(1, offset, "vfs_llseek(struct file *file, loff_t offset, int whence)");
        Path file = Files.createTempFile("bpf4j-fentry", ".bin");
        try (BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            BpfProgram prog = loadOrExplainRefusal(ProgramSpec.of("seek_in", countWhenArgIs(counts, offset, MAGIC), at)
                    .license("GPL").maps(counts));
            if (prog == null) {
                return;
            }
            try (prog; BpfLink link = prog.attach(at)) {
                assertTrue(link instanceof TracingLink && link.isBpfLink());
                seekMany(file, 5);
                assertEquals(5, asU64(counts.lookup(u32(0)).orElseThrow()));
            }
            seekMany(file, 5);
            assertEquals(5, asU64(counts.lookup(u32(0)).orElseThrow()), "detached");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void fexitSeesTheReturnValueAfterTheArguments() throws Exception {
        AttachPoint.TracingFunction at = AttachPoint.fexit("vfs_llseek");
        int ret = TracingLink.parameters(at).size();
        Path file = Files.createTempFile("bpf4j-fexit", ".bin");
        try (BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            BpfProgram prog = loadOrExplainRefusal(ProgramSpec.of("seek_out", countWhenArgIs(counts, ret, MAGIC), at)
                    .license("GPL").maps(counts));
            if (prog == null) {
                return;
            }
            try (prog; BpfLink link = prog.attach(at)) {
                seekMany(file, 3);
                assertEquals(3, asU64(counts.lookup(u32(0)).orElseThrow()));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void lsmRefusesExecToTheProcessesOfOneCgroup() throws Exception {
        try (NetKernelTest.TestCgroup cg = new NetKernelTest.TestCgroup("lsm")) {
            long cgroupId = (Long) Files.getAttribute(cg.dir, "unix:ino");
            AttachPoint at = AttachPoint.lsm("bprm_check_security");
            Program deny = Program.builder()
                    .call(Helper.GET_CURRENT_CGROUP_ID)
                    .ldImm64(Reg.R1, cgroupId)
                    .jne(Reg.R0, Reg.R1, "allow")
                    .mov64(Reg.R0, -1).exit()                                   // -EPERM
                    .label("allow").mov64(Reg.R0, 0).exit()
                    .build();
            BpfProgram prog = loadOrExplainRefusal(ProgramSpec.of("no_exec", deny, at).license("GPL"));
            if (prog == null) {
                return;
            }
            try (prog) {
                BpfLink link;
                try {
                    link = prog.attach(at);
                } catch (BpfException e) {
                    assertTrue(e.getMessage().contains("the BPF LSM is not active"), e.getMessage());
                    return;
                }
                try (link) {
                    // Inside the cgroup, bash's own builtins run but its exec of /bin/true is refused.
                    String out = cg.runInside("/bin/true; echo \"status $?\"");
                    assertTrue(out.contains("Operation not permitted") && out.contains("status 126"), out);
                    assertTrue(new ProcessBuilder("/bin/true").start().waitFor() == 0, "outside the cgroup exec works");
                }
                String after = cg.runInside("/bin/true; echo \"status $?\"");
                assertTrue(after.contains("status 0"), "detached: " + after);
            }
        }
    }
}
