package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The code examples in the javadoc of the public classes, run, with what their comments claim. */
class JavadocExamplesTest {

    @Test
    void fragmentsClassExample() {
        MapReference events = MapReference.named("events");
        Program p = Program.builder()
                .append(Fragments.getCurrentPidTgid(Reg.R6, Reg.R7))
                .append(Fragments.ringbufReserve(events, 16))
                .jeq(Reg.R0, 0, "out")
                .stxw(Reg.R0, 0, Reg.R6)
                .append(Fragments.ringbufSubmit(Reg.R0, 0))
                .label("out").mov64(Reg.R0, 0).exit()
                .build();
        assertEquals(16, p.assemble().length / 8);
        assertEquals(java.util.Set.of("events"), p.mapNames());
    }

    @Test
    void probeReadExample() {
        List<Instruction> read = Fragments.probeRead(Helper.PROBE_READ_KERNEL, Reg.R10, -16, 16, Reg.R7, 8);
        assertEquals(List.of(new AluInsn(AluOp.MOV, true, Reg.R1, Reg.R10, 0), new AluInsn(AluOp.MOV, true, Reg.R3, Reg.R7, 0),
                new AluInsn(AluOp.ADD, true, Reg.R1, null, -16), new AluInsn(AluOp.ADD, true, Reg.R3, null, 8),
                new AluInsn(AluOp.MOV, true, Reg.R2, null, 16), CallInsn.helper(Helper.PROBE_READ_KERNEL)), read);
    }

    @Test
    void instructionCodecExample() {
        byte[] code = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");
        List<Instruction> insns = InstructionCodec.decode(code, ByteOrder.LITTLE_ENDIAN);
        assertEquals(List.of(new AluInsn(AluOp.MOV, true, Reg.R0, null, 0), new ExitInsn()), insns);
        assertArrayEquals(code, InstructionCodec.encode(insns, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void decodeAndParseExceptionExamples() {
        assertEquals(8, assertThrows(DecodeException.class,
                () -> InstructionCodec.decode(HexFormat.of().parseHex("b700000000000000" + "00000000"),
                        ByteOrder.LITTLE_ENDIAN)).byteOffset());
        TextParseException e = assertThrows(TextParseException.class, () -> TextAssembler.parse("r11 = 0\nexit\n"));
        assertEquals(1, e.line());
        assertEquals(1, e.column());
    }

    @Test
    void disassemblerAndTextAssemblerExamples() {
        byte[] code = TextAssembler.assemble("r0 = 0\nexit\n", ByteOrder.LITTLE_ENDIAN);
        Program p = TextAssembler.parse(Disassembler.disassemble(code, ByteOrder.LITTLE_ENDIAN));
        assertArrayEquals(code, p.assemble(ByteOrder.LITTLE_ENDIAN));
        assertEquals("r1 = *(u64 *)(r2 +8)", Disassembler.format(new LoadInsn(Size.DW, false, Reg.R1, Reg.R2, 8)));
        String classExample = String.join("\n",
                "r6 = r1                              ; a comment",
                "call bpf_ktime_get_ns                ; helper by name (or bpf_ktime_get_ns#5)",
                "if r0 == 0x0 goto out                ; labels: jumps, calls (call name), subprog[name]",
                "r1 = map[events]                     ; a map by name, its fd filled in at load",
                "r2 = r10",
                "r2 += -8",
                "out:",
                "3: (b7) r0 = 0                       ; the listing prefix is optional",
                "exit");
        assertEquals(9, TextAssembler.parse(classExample).instructions().size());   // 8 instructions and a label
    }

    @Test
    void recordExamplesPrintWhatTheirCommentsSay() {
        assertEquals("r0 = atomic_cmpxchg((u32 *)(r1 +4), r0, r2)",
                Disassembler.format(new AtomicInsn(AtomicOp.CMPXCHG, Size.W, Reg.R1, Reg.R2, 4)));
        assertEquals("r1 = map[fd:5]", Disassembler.format(new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, 5, null)));
        assertEquals("r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)",
                Disassembler.format(new AtomicInsn(AtomicOp.FETCH_ADD, Size.DW, Reg.R1, Reg.R2, (short) 0)));
        assertEquals("r3 = bswap32 r3", Disassembler.format(new EndianInsn(ByteSwap.BSWAP, 32, Reg.R3)));
        assertEquals(0xd7, new EndianInsn(ByteSwap.BSWAP, 32, Reg.R3).opcode());
        assertEquals("r0 = *(u16 *)skb[12]", Disassembler.format(new PacketLoadInsn(Size.H, false, null, 12)));
        assertEquals("r1 = *(s8 *)(r2 -1)", Disassembler.format(new LoadInsn(Size.B, true, Reg.R1, Reg.R2, -1)));
        assertEquals("call kernel-function#12345", Disassembler.format(CallInsn.kfunc(12345, 0)));
        AssembledProgram a = Program.builder().mov64(Reg.R0, 0).exit().build()
                .assembleDetailed(ByteOrder.nativeOrder(), true);
        assertEquals(2, a.bytecode().length / 8);
        assertEquals(1, a.instructionAtSlot(1));
        assertEquals(7, MapReference.ofFd("events", 7).fd());
    }
}
