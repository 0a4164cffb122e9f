package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DisassemblerTest {
    private static final MapReference EVENTS = MapReference.named("events");

    private static Program tracer() {
        return Program.builder()
                .mov64(Reg.R6, Reg.R1)
                .call(Helper.KTIME_GET_NS)
                .mov64(Reg.R7, Reg.R0)
                .ringbufReserve(EVENTS, 16)
                .jeq(Reg.R0, 0, "out")
                .stxdw(Reg.R0, 0, Reg.R7)
                .ringbufSubmit(Reg.R0, 0)
                .label("out")
                .mov64(Reg.R0, 0)
                .exit()
                .build();
    }

    @Test
    void listsSlotsOpcodesAndTheVerifierText() {
        byte[] code = tracer().assemble(ByteOrder.LITTLE_ENDIAN);
        assertEquals(String.join("\n",
                "0: (bf) r6 = r1",
                "1: (85) call bpf_ktime_get_ns#5",
                "2: (bf) r7 = r0",
                "3: (18) r1 = map[fd:4294967295]",
                "5: (b7) r2 = 16",
                "6: (b7) r3 = 0",
                "7: (85) call bpf_ringbuf_reserve#131",
                "8: (15) if r0 == 0x0 goto pc+4",
                "9: (7b) *(u64 *)(r0 +0) = r7",
                "10: (bf) r1 = r0",
                "11: (b7) r2 = 0",
                "12: (85) call bpf_ringbuf_submit#132",
                "13: (b7) r0 = 0",
                "14: (95) exit", ""), Disassembler.disassemble(code, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void listingShowsLabelsTargetsAndMapsByName() {
        assertEquals(String.join("\n",
                "0: (bf) r6 = r1",
                "1: (85) call bpf_ktime_get_ns#5",
                "2: (bf) r7 = r0",
                "3: (18) r1 = map[events]",
                "5: (b7) r2 = 16",
                "6: (b7) r3 = 0",
                "7: (85) call bpf_ringbuf_reserve#131",
                "8: (15) if r0 == 0x0 goto out",
                "9: (7b) *(u64 *)(r0 +0) = r7",
                "10: (bf) r1 = r0",
                "11: (b7) r2 = 0",
                "12: (85) call bpf_ringbuf_submit#132",
                "out:",
                "13: (b7) r0 = 0",
                "14: (95) exit", ""), Disassembler.listing(tracer()));
    }

    @Test
    void listingParsesBackToTheSameProgram() {
        Program p = tracer();
        Program back = TextAssembler.parse(Disassembler.listing(p));
        assertArrayEquals(p.assemble(), back.assemble());
        assertEquals(List.of("out"), back.labels());
        assertEquals(Set.of("events"), back.mapNames());
        assertEquals(p.instructions().size(), back.instructions().size());
    }

    @Test
    void listingNamesFunctionsForCallsAndCallbacks() {
        Program p = Program.builder()
                .ldFunc(Reg.R2, "callback")
                .callLocal("helper")
                .exit()
                .label("helper").mov64(Reg.R0, 1).exit()
                .label("callback").mov64(Reg.R0, 0).exit()
                .build();
        String listing = Disassembler.listing(p);
        assertEquals(String.join("\n",
                "0: (18) r2 = subprog[callback]",
                "2: (85) call helper",
                "3: (95) exit",
                "helper:",
                "4: (b7) r0 = 1",
                "5: (95) exit",
                "callback:",
                "6: (b7) r0 = 0",
                "7: (95) exit", ""), listing);
        assertArrayEquals(p.assemble(), TextAssembler.assemble(listing));
        assertEquals(String.join("\n",
                "0: (18) r2 = subprog[+5]",
                "2: (85) call pc+1",
                "3: (95) exit",
                "4: (b7) r0 = 1",
                "5: (95) exit",
                "6: (b7) r0 = 0",
                "7: (95) exit", ""), Disassembler.disassemble(p.assemble()));
    }

    @Test
    void textAssemblerTakesPrefixesCommentsBlankLinesAndLabels() {
        String text = String.join("\n",
                "; a comment line",
                "  0: (bf) r6 = r1          ; R1=ctx() -- a verifier state comment",
                "",
                "// another comment",
                "loop:",
                "  w0 += 1",
                "  if w0 < 0xa goto loop",
                "  r0 = 0 // trailing",
                "  exit\r",
                "");
        Program p = TextAssembler.parse(text);
        assertEquals(List.of(new AluInsn(AluOp.MOV, true, Reg.R6, Reg.R1, 0), new Label("loop"),
                new AluInsn(AluOp.ADD, false, Reg.R0, null, 1),
                new JumpInsn(JumpOp.JLT, true, Reg.R0, null, 10, 0, "loop"),
                new AluInsn(AluOp.MOV, true, Reg.R0, null, 0), new ExitInsn()), p.instructions());
        assertEquals(String.join("\n",
                "0: (bf) r6 = r1", "1: (04) w0 += 1", "2: (a6) if w0 < 0xa goto pc-2", "3: (b7) r0 = 0", "4: (95) exit", ""),
                Disassembler.disassemble(p.assemble(ByteOrder.BIG_ENDIAN), ByteOrder.BIG_ENDIAN));
    }

    @Test
    void callsResolveHelpersByNameOrNumberAndEverythingElseAsLabelsOrKfuncs() {
        assertEquals(List.of(CallInsn.helper(Helper.KTIME_GET_NS), CallInsn.helper(Helper.KTIME_GET_NS),
                        new CallInsn(CallInsn.Type.HELPER, 5, 0, null), new CallInsn(CallInsn.Type.HELPER, 300, 0, null),
                        CallInsn.local("handler"), CallInsn.kfunc(4242, 0), CallInsn.kfunc(4243, 0), CallInsn.kfunc(7, 3),
                        new CallInsn(CallInsn.Type.LOCAL, -4, 0, null)),
                TextAssembler.parse(String.join("\n", "call bpf_ktime_get_ns", "call bpf_ktime_get_ns#5", "call 5",
                        "call unknown#300", "call handler", "call bpf_rcu_read_lock#4242", "call kernel-function#4243",
                        "call kernel-function#7 btf[idx:3]", "call pc-4")).instructions());
    }

    @Test
    void hexOrDecimalIsAMovAndOnlyLlOrTheListingPrefix18MakesAnLdImm64() {
        assertEquals(List.of(new LoadImm64Insn(Reg.R1, PseudoSource.NONE, 5, null),
                        new AluInsn(AluOp.MOV, true, Reg.R1, null, 16),
                        new AluInsn(AluOp.MOV, true, Reg.R1, null, 16),
                        new LoadImm64Insn(Reg.R1, PseudoSource.NONE, 0x10, null),
                        new AluInsn(AluOp.MOV, false, Reg.R1, null, 16),
                        new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, 0xffff_ffffL, "events"),
                        new LoadImm64Insn(Reg.R1, PseudoSource.MAP_VALUE, 8L << 32 | 0xffff_ffffL, "cfg"),
                        new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, 7, null)),
                TextAssembler.parse(String.join("\n", "r1 = 5 ll", "r1 = 0x10", "r1 = 16", "0: (18) r1 = 0x10", "w1 = 0x10",
                        "r1 = map[events]", "r1 = map[cfg][0]+8", "r1 = map[id:7]")).instructions());
    }

    @Test
    void formatPrintsEachInstructionAsTheVerifierDoes() {
        assertEquals("r0 = 0", Disassembler.format(new AluInsn(AluOp.MOV, true, Reg.R0, null, 0)));
        assertEquals("r1 = *(u64 *)(r2 +8)", Disassembler.format(new LoadInsn(Size.DW, false, Reg.R1, Reg.R2, 8)));
        assertEquals("if r0 == 0x0 goto pc+3", Disassembler.format(new JumpInsn(JumpOp.JEQ, false, Reg.R0, null, 0, 3, null)));
        assertEquals("call bpf_ktime_get_ns#5", Disassembler.format(CallInsn.helper(Helper.KTIME_GET_NS)));
        assertEquals("lock *(u64 *)(r1 +0) += r2", Disassembler.format(new AtomicInsn(AtomicOp.ADD, Size.DW, Reg.R1, Reg.R2, 0)));
        assertEquals("r1 = (s8)r2", Disassembler.format(new AluInsn(AluOp.MOVSX8, true, Reg.R1, Reg.R2, 0)));
        assertEquals("6: (85) call bpf_ktime_get_ns#5", Disassembler.line(6, CallInsn.helper(Helper.KTIME_GET_NS)));
    }
}
