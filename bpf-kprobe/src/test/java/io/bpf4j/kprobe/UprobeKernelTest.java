package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prologue proven against real {@code pt_regs}: this kernel has no kprobes, but uprobes hand
 * a kprobe-type program the same {@code struct pt_regs}, so a uprobe on a function whose arguments
 * the test chooses shows that every offset the architecture plugin gives is right.
 */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class UprobeKernelTest {
    static final Architecture HOST = Architectures.current();
    static final int SELF = (int) ProcessHandle.current().pid();
    static final Reg[] SIX = {Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6};

    @TempDir
    static Path dir;
    static SixLibrary six;

    @BeforeAll
    static void compile() throws Exception {
        six = SixLibrary.compile(dir);
    }

    static long[] read(BpfMap map, int key, int count) {
        byte[] v = map.lookup(TracepointKernelTest.key(key)).orElseThrow();
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = b.getLong(8 * i);
        }
        return out;
    }

    @Test
    void sixArgumentsReadThroughThePrologueEqualWhatWasPassed() {
        long[] args = {0x1111_2222_3333_4444L, -2, 3, Long.MAX_VALUE, Long.MIN_VALUE + 5, -123_456_789_012L};
        try (BpfMap result = BpfMap.create(MapSpec.array("six_args", 8 * SIX.length, 1))) {
            ProbeProgram p = Uprobe.entry(six.path.toString(), "six").args(SIX)
                    .body(ResultBodies.storeToArray(result, 0, SELF, SIX))
                    .build();
            long ret;
            try (BpfProgram prog = Loading.load(p); BpfLink link = Loading.attach(prog, p)) {
                ret = six.lib.six(args[0], args[1], args[2], args[3], args[4], args[5]);
            }
            assertEquals(SixLibrary.expected(args[0], args[1], args[2], args[3], args[4], args[5]), ret);
            assertEquals(java.util.Arrays.toString(args), java.util.Arrays.toString(read(result, 0, SIX.length)));
        }
    }

    @Test
    void uretprobeReadsTheReturnValue() {
        try (BpfMap result = BpfMap.create(MapSpec.array("six_ret", 8, 1))) {
            ProbeProgram p = Uprobe.ret(six.path.toString(), "six").returnValue(Reg.R6)
                    .body(ResultBodies.storeToArray(result, 0, SELF, Reg.R6))
                    .build();
            long ret;
            try (BpfProgram prog = Loading.load(p); BpfLink link = Loading.attach(prog, p)) {
                ret = six.lib.six(-7, 6, -5, 4, -3, 2);
            }
            assertEquals(SixLibrary.expected(-7, 6, -5, 4, -3, 2), ret);
            assertEquals(ret, read(result, 0, 1)[0]);
        }
    }

    @Test
    void syscallPrologueReadsArgumentsAtTheSyscallOffsetsOfAPtRegsCopy() {
        // regs_arg(regs) stands in for a syscall wrapper: its one argument points to a pt_regs,
        // here a user-space copy whose every 8-byte slot k holds a marker of k.
        int slots = 64;
        Memory regs = new Memory(8L * slots);
        for (int k = 0; k < slots; k++) {
            regs.setLong(8L * k, 0x5A5A_0000_0000_0000L | k);
        }
        Map<Integer, Reg> byIndex = new LinkedHashMap<>();
        for (int i = 0; i < HOST.syscallArgCount(); i++) {
            byIndex.put(i, SIX[i]);
        }
        try (BpfMap result = BpfMap.create(MapSpec.array("sys_args", 8 * SIX.length, 1))) {
            ProgramBuilder b = Program.builder().append(Prologue.syscall(HOST, Reg.R9, io.bpf4j.kprobe.Memory.USER, byIndex));
            ResultBodies.storeToArray(result, 0, SELF, SIX).accept(b);
            ProbeProgram p = new ProbeProgram("sys_args", AttachPoint.uprobe(six.path.toString(), "regs_arg"), b.build(), HOST);
            try (BpfProgram prog = Loading.load(p); BpfLink link = Loading.attach(prog, p)) {
                assertEquals(0x5A5A_0000_0000_0000L, six.lib.regs_arg(regs));
            }
            long[] seen = read(result, 0, SIX.length);
            for (int i = 0; i < SIX.length; i++) {
                int slot = HOST.syscallArgOffset(i) / 8;
                assertEquals(0x5A5A_0000_0000_0000L | slot, seen[i], "syscall argument " + i + " at offset " + HOST.syscallArgOffset(i));
            }
        }
    }

    @Test
    void readStringCopiesAUserStringArgument() {
        String text = "hello from bpf4j";
        try (BpfMap result = BpfMap.create(MapSpec.array("str_arg", 64, 1))) {
            ProbeProgram p = Uprobe.entry(six.path.toString(), "str_arg").arg(1, Reg.R7)
                    .body(b -> b
                            .append(ProbeHelpers.onlyTgid(SELF))
                            .append(ProbeHelpers.readString(io.bpf4j.kprobe.Memory.USER, Reg.R10, -64, 64, Reg.R7))
                            .stw(Reg.R10, -68, 0)
                            .ldMap(Reg.R1, result)
                            .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -68)
                            .mov64(Reg.R3, Reg.R10).add64(Reg.R3, -64)
                            .mov64(Reg.R4, 0)
                            .call(io.bpf4j.core.Helper.MAP_UPDATE_ELEM)
                            .mov64(Reg.R0, 0).exit())
                    .build();
            try (BpfProgram prog = Loading.load(p); BpfLink link = Loading.attach(prog, p)) {
                assertEquals(text.length() + 1, six.lib.str_arg(1, text));
            }
            byte[] v = result.lookup(TracepointKernelTest.key(0)).orElseThrow();
            assertEquals(text, io.bpf4j.structs.tracepoint.DataLoc.cString(ByteBuffer.wrap(v), 0, 64));
        }
    }
}
