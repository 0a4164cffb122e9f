package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Instruction;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.Features;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.VerifierException;
import io.bpf4j.syscall.testing.KernelTest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The generated field code run by the kernel: a syscall program (run with BPF_PROG_TEST_RUN)
 * loads inputs from its context, builds a map key in a stack slot, zeroes and fills a map value
 * through every kind of store, and the Java decoders read back what the verifier accepted and
 * the program wrote.
 */
@KernelTest
class StructKernelTest {
    record In(@U64 long a64, @S32 int a32, @S16 short a16, @S8 byte a8) {
    }

    record Key(@U32 int index) {
    }

    record Hdr(@U32 int pid, @U16 int flags) {
    }

    record Out(@U64 long copy64, @U32 int copy32, @U16 int copy16, @U8 int copy8,
               @S64 long sx32, @S64 long sx16, @S64 long sx8,
               @U32 long imm32, @U64 long imm64, @U16 int imm16, @U8 int imm8,
               Hdr hdr, @Chars(16) String comm, @U32 @Length(3) int[] cleared) {
    }

    /** Sign-extending loads (BPF_MEMSX) are in the kernels with the fourth instruction set (6.6). */
    private static final boolean V4 = Features.system().hasInstructionSetV4();

    /** The signed copies where the kernel has them (else nothing: the next test proves the refusal). */
    private static List<Instruction> signedLoads(StructLayout in, StructLayout out) {
        if (!V4) {
            return List.of();
        }
        return List.of(in.loadSigned(Reg.R2, Reg.R6, "a32"), out.store("sx32", Reg.R7, Reg.R2),
                in.loadSigned(Reg.R2, Reg.R6, "a16"), out.store("sx16", Reg.R7, Reg.R2),
                in.loadSigned(Reg.R2, Reg.R6, "a8"), out.store("sx8", Reg.R7, Reg.R2));
    }

    @Test
    void signedLoadsRunWhereTheKernelHasTheFourthInstructionSetAndAreNamedWhereNot() {
        StructLayout in = StructLayout.of(In.class);
        Program p = Program.builder()
                .append(in.loadSigned(Reg.R0, Reg.R1, "a8"))
                .exit()
                .build();
        ByteBuffer ctx = ByteBuffer.allocateDirect(in.size()).order(ByteOrder.nativeOrder());
        StructLayout.codec(In.class).encode(new In(0, 0, (short) 0, (byte) -9), ctx, 0);
        ProgramSpec spec = ProgramSpec.syscall("struct_sx", p).license("GPL");
        if (V4) {
            try (BpfProgram prog = BpfProgram.load(spec)) {
                assertEquals(-9, prog.run(ctx));
            }
        } else {
            VerifierException e = assertThrows(VerifierException.class, () -> BpfProgram.load(spec).close());
            assertTrue(e.getMessage().contains("needs Linux 6.6"), e.getMessage());
        }
    }

    @Test
    void storesLoadsZeroAndAddressOfRunInTheKernelAsTheDecodersRead() throws IOException {
        StructLayout in = StructLayout.of(In.class);
        StructLayout out = StructLayout.of(Out.class);
        RecordCodec<Out> outCodec = StructLayout.codec(Out.class);
        StackSlot key = StructLayout.of(Key.class).onStack();
        try (BpfMap values = BpfMap.create(MapSpec.array("struct_out", out.size(), 1))) {
            // garbage in the value first: zero() must clear it
            byte[] dirty = new byte[out.size()];
            java.util.Arrays.fill(dirty, (byte) 0x5a);
            values.update(StructLayout.codec(Key.class).encode(new Key(0)), dirty);

            ProgramBuilder b = Program.builder()
                    .mov64(Reg.R6, Reg.R1)                                   // r6 = ctx (In)
                    .append(key.zero())
                    .append(key.storeImm("index", 0))
                    .append(key.addressOf(Reg.R2))
                    .mapLookup(values, Reg.R2)
                    .jeq(Reg.R0, 0, "out")
                    .mov64(Reg.R7, Reg.R0)                                   // r7 = &value (Out)
                    .append(out.zero(Reg.R7))
                    .append(in.load(Reg.R2, Reg.R6, "a64"))
                    .append(out.store("copy64", Reg.R7, Reg.R2))
                    .append(in.load(Reg.R2, Reg.R6, "a32"))
                    .append(out.store("copy32", Reg.R7, Reg.R2))
                    .append(in.load(Reg.R2, Reg.R6, "a16"))
                    .append(out.store("copy16", Reg.R7, Reg.R2))
                    .append(in.load(Reg.R2, Reg.R6, "a8"))
                    .append(out.store("copy8", Reg.R7, Reg.R2))
                    .append(signedLoads(in, out))
                    .append(out.storeImm("imm32", Reg.R7, 0xffff_fffeL))
                    .append(out.storeImm("imm64", Reg.R7, -2))
                    .append(out.storeImm("imm16", Reg.R7, 65535))
                    .append(out.storeImm("imm8", Reg.R7, 200))
                    .append(out.storeImm("hdr.pid", Reg.R7, 4242))
                    .append(out.storeImm("hdr.flags", Reg.R7, 7))
                    .append(out.storeImm("cleared[1]", Reg.R7, 9))
                    .append(out.getCurrentComm(Reg.R7, "comm"))
                    .label("out")
                    .mov64(Reg.R0, 0)
                    .exit();
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.syscall("struct_fields", b.build())
                    .license("GPL").maps(values))) {
                ByteBuffer ctx = ByteBuffer.allocateDirect(in.size()).order(ByteOrder.nativeOrder());
                StructLayout.codec(In.class).encode(new In(-3L, -5, (short) -7, (byte) -9), ctx, 0);
                assertEquals(0, prog.run(ctx));
            }
            byte[] value = values.lookup(StructLayout.codec(Key.class).encode(new Key(0))).orElseThrow();
            Out o = outCodec.decode(value);
            assertEquals(-3L, o.copy64());
            assertEquals(-5, o.copy32());
            assertEquals(0xfff9, o.copy16());
            assertEquals(0xf7, o.copy8());
            if (V4) {
                assertEquals(-5L, o.sx32());
                assertEquals(-7L, o.sx16());
                assertEquals(-9L, o.sx8());
            }
            assertEquals(0xffff_fffeL, o.imm32());
            assertEquals(-2L, o.imm64());
            assertEquals(65535, o.imm16());
            assertEquals(200, o.imm8());
            assertEquals(new Hdr(4242, 7), o.hdr());
            assertEquals(0, o.cleared()[0]);
            assertEquals(9, o.cleared()[1]);
            assertEquals(0, o.cleared()[2]);
            assertEquals(Files.readString(Path.of("/proc/thread-self/comm")).strip(), o.comm());
            StructValue v = out.decode(value);
            assertEquals(o.comm(), v.getString("comm"));
            assertEquals(0, v.getBytes("comm")[15], "the helper NUL-terminates within the field");
        }
    }
}
