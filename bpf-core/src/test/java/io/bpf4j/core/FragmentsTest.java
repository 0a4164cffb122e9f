package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FragmentsTest {
    private static final MapReference EVENTS = MapReference.named("events");

    private static Instruction mov(Reg d, Reg s) {
        return new AluInsn(AluOp.MOV, true, d, s, 0);
    }

    private static Instruction mov(Reg d, int imm) {
        return new AluInsn(AluOp.MOV, true, d, null, imm);
    }

    /** Little-endian bytes of a fragment followed by exit, as hex, one slot per space-separated group. */
    private static String hex(List<Instruction> fragment) {
        List<Instruction> all = new ArrayList<>(fragment);
        all.add(new ExitInsn());
        byte[] b = Program.of(all).assemble(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length - 8; i += 8) {
            sb.append(sb.length() == 0 ? "" : " ").append(HexFormat.of().formatHex(b, i, i + 8));
        }
        return sb.toString();
    }

    @Test
    void ktimeGetNsIsOneHelperCall() {
        assertEquals(List.of(CallInsn.helper(Helper.KTIME_GET_NS)), Fragments.ktimeGetNs());
        assertEquals("8500000005000000", hex(Fragments.ktimeGetNs()));
    }

    @Test
    void pidTgidSplitsLowAndHighHalves() {
        assertEquals(List.of(CallInsn.helper(Helper.GET_CURRENT_PID_TGID),
                        new AluInsn(AluOp.MOV, false, Reg.R6, Reg.R0, 0),
                        mov(Reg.R7, Reg.R0),
                        new AluInsn(AluOp.RSH, true, Reg.R7, null, 32)),
                Fragments.getCurrentPidTgid(Reg.R6, Reg.R7));
        // call 14; w6 = w0; r7 = r0; r7 >>= 32
        assertEquals("850000000e000000 bc06000000000000 bf07000000000000 7707000020000000",
                hex(Fragments.getCurrentPidTgid(Reg.R6, Reg.R7)));
    }

    @Test
    void pidTgidIntoR0TakesTheHighHalfFirst() {
        assertEquals(List.of(CallInsn.helper(Helper.GET_CURRENT_PID_TGID),
                        mov(Reg.R7, Reg.R0),
                        new AluInsn(AluOp.RSH, true, Reg.R7, null, 32),
                        new AluInsn(AluOp.MOV, false, Reg.R0, Reg.R0, 0)),
                Fragments.getCurrentPidTgid(Reg.R0, Reg.R7));
        assertEquals(List.of(CallInsn.helper(Helper.GET_CURRENT_PID_TGID),
                        new AluInsn(AluOp.RSH, true, Reg.R0, null, 32)),
                Fragments.getCurrentPidTgid(null, Reg.R0));
    }

    @Test
    void pidTgidIntoOneRegisterIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fragments.getCurrentPidTgid(Reg.R6, Reg.R6));
        assertEquals("bpf_get_current_pid_tgid: pid and tgid both go to r6: expected two registers", e.getMessage());
    }

    @Test
    void uidGidSplitsLikePidTgid() {
        assertEquals("850000000f000000 bc08000000000000",
                hex(Fragments.getCurrentUidGid(Reg.R8, null)));
    }

    @Test
    void currentCommPointsR1AtTheBuffer() {
        // r1 = r10; r1 += -16; r2 = 16; call 16
        assertEquals("bfa1000000000000 07010000f0ffffff b702000010000000 8500000010000000",
                hex(Fragments.getCurrentComm(Reg.R10, -16, 16)));
        assertEquals("b702000010000000 8500000010000000", hex(Fragments.getCurrentComm(Reg.R1, 0, 16)));
    }

    @Test
    void ringbufReserveLoadsTheMapAndZeroFlags() {
        List<Instruction> f = Fragments.ringbufReserve(EVENTS, 40);
        // ld_imm64 r1 map_fd (-1 until load); r2 = 40; r3 = 0; call 131
        assertEquals(new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, 0xffff_ffffL, "events"), f.get(0));
        // ld_imm64 r1 = map fd (-1 until the loader substitutes it); r2 = 40; r3 = 0; call 131
        assertEquals("18110000ffffffff 0000000000000000 b702000028000000 b703000000000000 8500000083000000", hex(f));
    }

    @Test
    void ringbufSubmitAndDiscardMoveTheRecordToR1() {
        assertEquals("bf01000000000000 b702000000000000 8500000084000000", hex(Fragments.ringbufSubmit(Reg.R0, 0)));
        assertEquals("bf61000000000000 b702000002000000 8500000085000000", hex(Fragments.ringbufDiscard(Reg.R6, 2)));
    }

    @Test
    void ringbufOutputReadsDataBeforeR1IsOverwritten() {
        List<Instruction> f = Fragments.ringbufOutput(EVENTS, Reg.R1, 16, 0);
        assertEquals(mov(Reg.R2, Reg.R1), f.get(0));
        assertEquals(Fragments.loadMap(Reg.R1, EVENTS), f.get(1));
        assertEquals(List.of(mov(Reg.R3, 16), mov(Reg.R4, 0), CallInsn.helper(Helper.RINGBUF_OUTPUT)), f.subList(2, 5));
    }

    @Test
    void mapLookupAndUpdateSwapCrossedArgumentsThroughR0() {
        List<Instruction> lookup = Fragments.mapLookup(EVENTS, Reg.R10);
        assertEquals(List.of(mov(Reg.R2, Reg.R10), Fragments.loadMap(Reg.R1, EVENTS),
                CallInsn.helper(Helper.MAP_LOOKUP_ELEM)), lookup);
        // key in r3 and value in r2: a swap, broken through r0.
        List<Instruction> update = Fragments.mapUpdate(EVENTS, Reg.R3, Reg.R2, 0);
        assertEquals(List.of(mov(Reg.R0, Reg.R2), mov(Reg.R2, Reg.R3), mov(Reg.R3, Reg.R0),
                Fragments.loadMap(Reg.R1, EVENTS), mov(Reg.R4, 0), CallInsn.helper(Helper.MAP_UPDATE_ELEM)), update);
        List<Instruction> wide = Fragments.mapUpdate(EVENTS, Reg.R6, Reg.R7, 1L << 40);
        assertEquals(new LoadImm64Insn(Reg.R4, PseudoSource.NONE, 1L << 40, null), wide.get(3));
    }

    /**
     * Runs a probe-read fragment up to its call on a register file whose registers hold distinct
     * values, and returns the registers at the call (the arguments the helper sees).
     */
    static long[] registersAtCall(List<Instruction> fragment, long[] start, Helper expected) {
        long[] r = start.clone();
        for (Instruction insn : fragment) {
            if (insn instanceof CallInsn) {
                assertEquals(CallInsn.helper(expected), insn);
                return r;
            }
            AluInsn a = (AluInsn) insn;
            assertTrue(a.alu64() && a.dst() != Reg.R10, "unexpected " + a);
            long operand = a.src() == null ? a.imm() : r[a.src().ordinal()];
            switch (a.op()) {
                case MOV:
                    r[a.dst().ordinal()] = operand;
                    break;
                case ADD:
                    r[a.dst().ordinal()] += operand;
                    break;
                default:
                    throw new AssertionError("unexpected " + a);
            }
        }
        throw new AssertionError("no helper call in " + fragment);
    }

    @Test
    void probeReadPassesTheRightPointersForEveryRegisterPairAndOffset() {
        long[] start = new long[Reg.values().length];
        for (int i = 0; i < start.length; i++) {
            start[i] = (i + 1L) << 32;     // distinct, so a pointer from the wrong register shows
        }
        int cases = 0;
        for (Reg dst : Reg.values()) {
            for (Reg src : Reg.values()) {
                for (int dstOff : new int[] {0, 8, -16}) {
                    for (int srcOff : new int[] {0, 24, -4}) {
                        String what = "dst " + dst + (dstOff == 0 ? "" : "+" + dstOff) + ", src " + src
                                + (srcOff == 0 ? "" : "+" + srcOff);
                        long[] at = registersAtCall(Fragments.probeRead(Helper.PROBE_READ_KERNEL, dst, dstOff, 12, src, srcOff),
                                start, Helper.PROBE_READ_KERNEL);
                        assertEquals(start[dst.ordinal()] + dstOff, at[1], what + ": r1");
                        assertEquals(12, at[2], what + ": r2");
                        assertEquals(start[src.ordinal()] + srcOff, at[3], what + ": r3");
                        for (int callee = 6; callee <= 10; callee++) {
                            assertEquals(start[callee], at[callee], what + ": r" + callee + " is the caller's");
                        }
                        cases++;
                    }
                }
            }
        }
        assertEquals(11 * 11 * 9, cases);
        // the short forms are the general one without offsets
        long[] swap = registersAtCall(Fragments.probeReadUser(Reg.R3, 4, Reg.R1), start, Helper.PROBE_READ_USER);
        assertEquals(start[3], swap[1]);
        assertEquals(start[1], swap[3]);
    }

    @Test
    void probeReadRefusesOtherHelpersMissingRegistersAndEmptyReads() {
        String other = assertThrows(IllegalArgumentException.class,
                () -> Fragments.probeRead(Helper.MAP_LOOKUP_ELEM, Reg.R10, -8, 8, Reg.R6, 0)).getMessage();
        assertTrue(other.contains("bpf_map_lookup_elem is not a probe-read helper"), other);
        String size = assertThrows(IllegalArgumentException.class,
                () -> Fragments.probeRead(Helper.PROBE_READ_USER_STR, Reg.R10, -8, 0, Reg.R6, 0)).getMessage();
        assertEquals("bpf_probe_read_user_str: size 0: expected at least 1 byte", size);
        String dst = assertThrows(IllegalArgumentException.class,
                () -> Fragments.probeReadKernel(null, 8, Reg.R6)).getMessage();
        assertEquals("bpf_probe_read_kernel: destination register missing", dst);
        assertThrows(IllegalArgumentException.class, () -> Fragments.probeRead(null, Reg.R10, -8, 8, Reg.R6, 0));
    }

    @Test
    void probeReadPutsDestinationSizeAndSourceInR1R2R3() {
        assertEquals(List.of(mov(Reg.R1, Reg.R6), mov(Reg.R3, Reg.R7), mov(Reg.R2, 8),
                CallInsn.helper(Helper.PROBE_READ_KERNEL)), Fragments.probeReadKernel(Reg.R6, 8, Reg.R7));
        // dst already in r3 and source in r1: the cycle is broken through r0.
        assertEquals(List.of(mov(Reg.R0, Reg.R1), mov(Reg.R1, Reg.R3), mov(Reg.R3, Reg.R0), mov(Reg.R2, 16),
                CallInsn.helper(Helper.PROBE_READ_USER_STR)), Fragments.probeReadUserStr(Reg.R3, 16, Reg.R1));
        assertEquals(Helper.PROBE_READ_USER, ((CallInsn) Fragments.probeReadUser(Reg.R1, 1, Reg.R3).get(1)).imm() == 112
                ? Helper.PROBE_READ_USER : null);
        assertEquals(115, ((CallInsn) Fragments.probeReadKernelStr(Reg.R1, 1, Reg.R3).get(1)).imm());
    }

    @Test
    void tracePrintkWritesTheFormatToTheStackAndPassesItsLength() {
        List<Instruction> f = Fragments.tracePrintk(ByteOrder.LITTLE_ENDIAN, -8, "hi %d\n", Reg.R6);
        // "hi %d\n\0" is 7 bytes, padded to 8: two word stores.
        assertEquals(new StoreInsn(Size.W, Reg.R10, -8, null, 0x25206968), f.get(0));   // "hi %"
        assertEquals(new StoreInsn(Size.W, Reg.R10, -4, null, 0x000a64), f.get(1));     // "d\n\0\0"
        assertEquals(List.of(mov(Reg.R3, Reg.R6), mov(Reg.R1, Reg.R10), new AluInsn(AluOp.ADD, true, Reg.R1, null, -8),
                mov(Reg.R2, 7), CallInsn.helper(Helper.TRACE_PRINTK)), f.subList(2, 7));
        assertEquals(8, Fragments.stackBytes("hi %d\n"));
        assertEquals(16, Fragments.stackBytes("12345678"));
    }

    @Test
    void tracePrintkRejectsMoreThanThreeArgumentsAndBadOffsets() {
        assertEquals("trace_printk: 4 arguments: expected at most 3", assertThrows(IllegalArgumentException.class,
                () -> Fragments.tracePrintk("%d %d %d %d", Reg.R6, Reg.R7, Reg.R8, Reg.R9)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Fragments.tracePrintk(-4, "hello", Reg.R6))
                .getMessage().startsWith("trace_printk: stack offset -4 unusable for a 8-byte format"));
    }

    @Test
    void builderMethodsAppendTheSameFragments() {
        Program p = Program.builder()
                .ktimeGetNs().getCurrentPidTgid(Reg.R6, null).getCurrentUidGid(null, Reg.R7)
                .getCurrentComm(Reg.R10, -16, 16).ringbufReserve(EVENTS, 8).ringbufSubmit(Reg.R0, 0)
                .ringbufDiscard(Reg.R0, 0).ringbufOutput(EVENTS, Reg.R10, 8, 0).mapLookup(EVENTS, Reg.R10)
                .mapUpdate(EVENTS, Reg.R6, Reg.R7, 0).probeReadKernel(Reg.R10, 8, Reg.R6)
                .probeReadUser(Reg.R10, 8, Reg.R6).probeReadKernelStr(Reg.R10, 8, Reg.R6)
                .probeReadUserStr(Reg.R10, 8, Reg.R6).tracePrintk("x\n").build();
        List<Instruction> expected = new ArrayList<>();
        expected.addAll(Fragments.ktimeGetNs());
        expected.addAll(Fragments.getCurrentPidTgid(Reg.R6, null));
        expected.addAll(Fragments.getCurrentUidGid(null, Reg.R7));
        expected.addAll(Fragments.getCurrentComm(Reg.R10, -16, 16));
        expected.addAll(Fragments.ringbufReserve(EVENTS, 8));
        expected.addAll(Fragments.ringbufSubmit(Reg.R0, 0));
        expected.addAll(Fragments.ringbufDiscard(Reg.R0, 0));
        expected.addAll(Fragments.ringbufOutput(EVENTS, Reg.R10, 8, 0));
        expected.addAll(Fragments.mapLookup(EVENTS, Reg.R10));
        expected.addAll(Fragments.mapUpdate(EVENTS, Reg.R6, Reg.R7, 0));
        expected.addAll(Fragments.probeReadKernel(Reg.R10, 8, Reg.R6));
        expected.addAll(Fragments.probeReadUser(Reg.R10, 8, Reg.R6));
        expected.addAll(Fragments.probeReadKernelStr(Reg.R10, 8, Reg.R6));
        expected.addAll(Fragments.probeReadUserStr(Reg.R10, 8, Reg.R6));
        expected.addAll(Fragments.tracePrintk("x\n"));
        assertEquals(expected, p.instructions());
    }
}
