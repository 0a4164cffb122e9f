package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.tracepoint.DataLoc;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tracepoint programs built here, loaded and attached on the running kernel. */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class TracepointKernelTest {
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int getppid();
    }

    static byte[] key(int k) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, k).array();
    }

    @Test
    void fieldPathReadOfCurrentRealParentTgidIsThisProcessesParent() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        try (BpfMap result = BpfMap.create(MapSpec.array("ppid", 8, 1))) {
            ProbeProgram p = TracepointProbe.of("syscalls", "sys_enter_getppid").name("ppid_path")
                    .body((b, ctx) -> b
                            .append(ProbeHelpers.onlyTgid(self))
                            .append(ProbeHelpers.readCurrentTaskField(Btf.kernel(), "task_struct.real_parent->tgid", Reg.R7, -16))
                            .stxdw(Reg.R10, -8, Reg.R7)
                            .stw(Reg.R10, -12, 0)
                            .ldMap(Reg.R1, result)
                            .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -12)
                            .mov64(Reg.R3, Reg.R10).add64(Reg.R3, -8)
                            .mov64(Reg.R4, 0)
                            .call(Helper.MAP_UPDATE_ELEM)
                            .mov64(Reg.R0, 0).exit())
                    .build();
            try (BpfProgram prog = Loading.load(p); BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid")) {
                assertEquals(parent, LibC.INSTANCE.getppid(), "libc's getppid agrees with ProcessHandle");
            }
            long seen = ByteBuffer.wrap(result.lookup(key(0)).orElseThrow()).order(ByteOrder.nativeOrder()).getLong(0);
            assertEquals(parent, seen, "current->real_parent->tgid read through BTF offsets");
        }
    }

    @Test
    void schedProcessExecFilenameThroughDataLocIsThePathExecuted(@TempDir Path dir) throws Exception {
        Path exe = dir.resolve("bpf4j-exec-probe");
        Files.copy(Path.of("/bin/true"), exe, StandardCopyOption.COPY_ATTRIBUTES);
        int max = 256;
        try (BpfMap execs = BpfMap.create(MapSpec.hash("execs", 4, max, 1024))) {
            ProbeProgram p = TracepointProbe.of("sched", "sched_process_exec").name("exec_names")
                    .field("pid", Reg.R6)
                    .body((b, ctx) -> b
                            .stxw(Reg.R10, -4, Reg.R6)
                            .append(ctx.readString("filename", Reg.R10, -8 - max, max))
                            .ldMap(Reg.R1, execs)
                            .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                            .mov64(Reg.R3, Reg.R10).add64(Reg.R3, -8 - max)
                            .mov64(Reg.R4, 0)
                            .call(Helper.MAP_UPDATE_ELEM)
                            .mov64(Reg.R0, 0).exit())
                    .build();
            long child;
            try (BpfProgram prog = Loading.load(p); BpfLink link = prog.attachTracepoint("sched", "sched_process_exec")) {
                Process proc = new ProcessBuilder(exe.toString()).start();
                assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "child exited");
                child = proc.pid();
            }
            // The JDK may exec a spawn helper first in the same pid; the target's exec comes last.
            Optional<byte[]> value = execs.lookup(key((int) child));
            assertTrue(value.isPresent(), "no exec event for pid " + child);
            assertEquals(exe.toString(), DataLoc.cString(ByteBuffer.wrap(value.get()), 0, max));
        }
    }

    @Test
    void rawTracepointArgumentOneOfSysEnterIsTheSyscallNumber() {
        int self = (int) ProcessHandle.current().pid();
        // getppid's number: arch/x86/entry/syscalls/syscall_64.tbl (110), include/uapi/asm-generic/unistd.h (173)
        int getppid = Architectures.current().name().equals("x86_64") ? 110 : 173;
        try (BpfMap seen = BpfMap.create(MapSpec.hash("nrs", 8, 8, 1024))) {
            ProbeProgram p = RawTracepointProbe.of("sys_enter").name("nrs").args(Reg.R6, Reg.R7)
                    .body(b -> b
                            .append(ProbeHelpers.onlyTgid(self))
                            .stxdw(Reg.R10, -8, Reg.R7)       // key: the syscall number, args[1]
                            .stxdw(Reg.R10, -16, Reg.R6)      // value: the pt_regs pointer, args[0]
                            .ldMap(Reg.R1, seen)
                            .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -8)
                            .mov64(Reg.R3, Reg.R10).add64(Reg.R3, -16)
                            .mov64(Reg.R4, 0)
                            .call(Helper.MAP_UPDATE_ELEM)
                            .mov64(Reg.R0, 0).exit())
                    .build();
            try (BpfProgram prog = Loading.load(p); BpfLink link = prog.attachRawTracepoint("sys_enter")) {
                LibC.INSTANCE.getppid();
            }
            byte[] k = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, getppid).array();
            Optional<byte[]> regs = seen.lookup(k);
            assertTrue(regs.isPresent(), "no sys_enter with number " + getppid + " (getppid) seen");
            assertTrue(ByteBuffer.wrap(regs.get()).order(ByteOrder.nativeOrder()).getLong(0) != 0, "args[0] is the pt_regs pointer");
        }
    }
}
