package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.core.Disassembler;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The instructions each codegen method emits, as the verifier would print them and as bytes.
 * Golden bytes are derived from RFC 9669 section 5 (opcode = mode | size | class; byte 1 =
 * src << 4 | dst; little-endian s16 offset and s32 immediate).
 */
class CodegenTest {
    static final StructLayout HDR = StructLayout.builder("Hdr").u32("pid").s16("prio").u8("flags").build();
    static final StructLayout EV = StructLayout.builder("Ev")
            .u64("ts").struct("hdr", HDR).array("vals", ScalarType.U16, 3).u8("tag").chars("comm", 16)
            .build();  // ts 0, hdr 8 (pid 8, prio 12, flags 14), vals 16, tag 22, comm 23, size 40

    private static String text(List<Instruction> code) {
        return code.stream().map(Disassembler::format).collect(Collectors.joining("\n"));
    }

    @Test
    void nestedPathsAndArrayElementsResolveToAbsoluteOffsets() {
        assertEquals(40, EV.size());
        assertEquals(12, EV.offset("hdr.prio"));
        assertEquals(20, EV.offset("vals[2]"));
        assertEquals(23, EV.offset("comm"));
        List<Instruction> code = List.of(
                EV.store("hdr.pid", Reg.R0, Reg.R6),
                EV.store("vals[1]", Reg.R0, Reg.R7),
                EV.storeImm("tag", Reg.R0, 255),
                EV.load(Reg.R1, Reg.R0, "hdr.prio"),
                EV.loadSigned(Reg.R2, Reg.R0, "hdr.prio"),
                EV.loadSigned(Reg.R3, Reg.R0, "hdr.pid"));
        assertEquals("*(u32 *)(r0 +8) = r6\n"
                + "*(u16 *)(r0 +18) = r7\n"
                + "*(u8 *)(r0 +22) = 255\n"
                + "r1 = *(u16 *)(r0 +12)\n"
                + "r2 = *(s16 *)(r0 +12)\n"
                + "r3 = *(u32 *)(r0 +8)", text(code));
        // 0x63 stxw, 0x6b stxh, 0x72 stb, 0x69 ldxh, 0x89 ldsxh (BPF_MEMSX), 0x61 ldxw
        assertEquals("6360080000000000" + "6b70120000000000" + "72001600ff000000"
                + "69010c0000000000" + "89020c0000000000" + "6103080000000000", LabEventTest.hex(code));
    }

    @Test
    void resolvedFieldOverloadsEmitWhatThePathVersionsEmit() {
        Field pid = EV.field("hdr.pid");
        Field prio = EV.field("hdr.prio");
        Field val = EV.field("vals[1]");
        Field tag = EV.field("tag");
        List<Instruction> byPath = List.of(
                EV.store("hdr.pid", Reg.R0, Reg.R6),
                EV.store("vals[1]", Reg.R0, Reg.R7, io.bpf4j.core.Size.H),
                EV.storeImm("tag", Reg.R0, 255),
                EV.load(Reg.R1, Reg.R0, "hdr.prio"),
                EV.loadSigned(Reg.R2, Reg.R0, "hdr.prio"));
        List<Instruction> byField = List.of(
                EV.store(pid, Reg.R0, Reg.R6),
                EV.store(val, Reg.R0, Reg.R7, io.bpf4j.core.Size.H),
                EV.storeImm(tag, Reg.R0, 255),
                EV.load(Reg.R1, Reg.R0, prio),
                EV.loadSigned(Reg.R2, Reg.R0, prio));
        assertEquals(LabEventTest.hex(byPath), LabEventTest.hex(byField));
        assertEquals("r2 = *(s16 *)(r0 +12)", Disassembler.format(byField.get(4)));
    }

    @Test
    void aFieldFromAnotherLayoutThatReachesPastThisStructIsRejected() {
        Field comm0 = EV.field("comm[15]"); // offset 38, inside Ev (40 bytes), outside Hdr (8 bytes)
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HDR.store(comm0, Reg.R0, Reg.R1));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("Hdr.field(path)"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EV.store(EV.field("comm"), Reg.R0, Reg.R1)); // char[16]: not one integer
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EV.load(Reg.R1, Reg.R0, (Field) null));
    }

    @Test
    void zeroARangeUsesTheWidestAlignedStores() {
        // hdr.prio (12) .. tag (ends 23): 12..16 w, 16..20 w, 20..22 h, 22..23 b
        assertEquals("*(u32 *)(r6 +12) = 0\n*(u32 *)(r6 +16) = 0\n*(u16 *)(r6 +20) = 0\n*(u8 *)(r6 +22) = 0",
                text(EV.zero(Reg.R6, "hdr.prio", "tag")));
        StructLayout odd = StructLayout.builder("Odd").chars("s", 7).build();
        assertEquals("*(u32 *)(r0 +0) = 0\n*(u16 *)(r0 +4) = 0\n*(u8 *)(r0 +6) = 0", text(odd.zero(Reg.R0)));
    }

    @Test
    void addressOfIsAMoveAndAnAdd() {
        assertEquals("r1 = r0\nr1 += 23", text(EV.addressOf(Reg.R1, Reg.R0, "comm")));
        assertEquals("r6 += 23", text(EV.addressOf(Reg.R6, Reg.R6, "comm")));
        assertEquals("r1 = r0", text(EV.addressOf(Reg.R1, Reg.R0, "ts")));
        // bf 01: mov64 r1, r0; 07 01 .. 17: add64 r1, 23
        assertEquals("bf01000000000000" + "0701000017000000", LabEventTest.hex(EV.addressOf(Reg.R1, Reg.R0, "comm")));
    }

    @Test
    void getCurrentCommWritesIntoTheCharField() {
        String t = text(EV.getCurrentComm(Reg.R6, "comm"));
        assertEquals("r1 = r6\nr1 += 23\nr2 = 16\ncall bpf_get_current_comm#16", t);
    }

    @Test
    void stackSlotAddressesTheStructThroughTheFramePointer() {
        StackSlot key = HDR.onStack();                   // 8 bytes: r10 -8
        StackSlot ev = EV.onStack(key.bytesUsed());      // 40 bytes below it: r10 -48
        assertEquals(-8, key.offset());
        assertEquals(-48, ev.offset());
        List<Instruction> code = new ArrayList<>(key.zero());
        code.add(key.store("pid", Reg.R6));
        code.add(ev.store("hdr.prio", Reg.R7));
        code.add(ev.storeImm("tag", 1));
        code.add(ev.load(Reg.R0, "vals[0]"));
        code.addAll(key.addressOf(Reg.R2));
        code.addAll(ev.addressOf(Reg.R1, "comm"));
        assertEquals("*(u64 *)(r10 -8) = 0\n"
                + "*(u32 *)(r10 -8) = r6\n"
                + "*(u16 *)(r10 -36) = r7\n"
                + "*(u8 *)(r10 -26) = 1\n"
                + "r0 = *(u16 *)(r10 -32)\n"
                + "r2 = r10\nr2 += -8\n"
                + "r1 = r10\nr1 += -25", text(code));
        // 0x7a stdw imm, dst r10 = 0x0a; 0x63 stxw src r6 dst r10 = 0x6a; offsets as s16 (f8 ff = -8)
        assertEquals("7a0af8ff00000000" + "636af8ff00000000", LabEventTest.hex(code.subList(0, 2)));
        assertEquals(-8, HDR.stackOffset());
    }

    @Test
    void checkedStoreOfTheRightWidthIsTheSameInstruction() {
        assertEquals(EV.store("ts", Reg.R0, Reg.R8), EV.store("ts", Reg.R0, Reg.R8, io.bpf4j.core.Size.DW));
    }
}
