package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.AssembledProgram;
import io.bpf4j.core.Helper;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuncInfoBtfTest {
    private static FuncInfoBtf of(Program p) {
        AssembledProgram a = p.assembleDetailed(ByteOrder.LITTLE_ENDIAN, true);
        return FuncInfoBtf.forBytecode(a.bytecode(), ByteOrder.LITTLE_ENDIAN, "main_prog", a.labelSlots());
    }

    @Test
    void singleFunctionProgramNeedsNoBtf() {
        FuncInfoBtf info = of(Program.builder().mov64(Reg.R0, 0).exit().build());
        assertFalse(info.needed());
        assertEquals(List.of(0), info.starts());
    }

    @Test
    void callbackReferencedByLdImm64FuncStartsASubprogram() {
        Program p = Program.builder()
                .mov64(Reg.R1, 10)
                .ldFunc(Reg.R2, "callback")     // slots 1-2
                .mov64(Reg.R3, 0)
                .mov64(Reg.R4, 0)
                .call(Helper.LOOP)
                .mov64(Reg.R0, 0)
                .exit()                          // slot 7
                .label("callback")
                .mov64(Reg.R0, 0)                // slot 8
                .exit()
                .build();
        FuncInfoBtf info = of(p);
        assertTrue(info.needed());
        assertEquals(List.of(0, 8), info.starts());
        ByteBuffer fi = ByteBuffer.wrap(info.funcInfo()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, fi.getInt(0));
        assertEquals(3, fi.getInt(4));
        assertEquals(8, fi.getInt(8));
        assertEquals(4, fi.getInt(12));
    }

    @Test
    void localCallTargetsStartSubprogramsNamedByTheirLabels() {
        Program p = Program.builder()
                .callLocal("helper_fn")
                .exit()
                .label("helper_fn")
                .mov64(Reg.R0, 1)
                .exit()
                .build();
        FuncInfoBtf info = of(p);
        assertEquals(List.of(0, 2), info.starts());
        String strings = new String(info.btf(), StandardCharsets.US_ASCII);
        assertTrue(strings.contains("\0main_prog\0"), strings);
        assertTrue(strings.contains("\0helper_fn\0"), strings);
    }

    @Test
    void btfHeaderDescribesTheTypeAndStringSections() {
        FuncInfoBtf info = of(Program.builder().callLocal("f").exit().label("f").mov64(Reg.R0, 0).exit().build());
        ByteBuffer b = ByteBuffer.wrap(info.btf()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((short) 0xeB9F, b.getShort(0));
        assertEquals(1, b.get(2));
        assertEquals(24, b.getInt(4));
        int typeLen = b.getInt(12);
        int strOff = b.getInt(16);
        int strLen = b.getInt(20);
        assertEquals(16 + 12 + 12 * 2, typeLen);
        assertEquals(typeLen, strOff);
        assertEquals(info.btf().length, 24 + strOff + strLen);
        // The third type is a FUNC (kind 12) pointing at the FUNC_PROTO (type 2).
        int func = 24 + 16 + 12;
        assertEquals(12 << 24, b.getInt(func + 4));
        assertEquals(2, b.getInt(func + 8));
    }

    @Test
    void bigEndianBlobsUseTheTargetOrder() {
        Program p = Program.builder().callLocal("f").exit().label("f").mov64(Reg.R0, 0).exit().build();
        AssembledProgram a = p.assembleDetailed(ByteOrder.BIG_ENDIAN, true);
        FuncInfoBtf info = FuncInfoBtf.forBytecode(a.bytecode(), ByteOrder.BIG_ENDIAN, "m", a.labelSlots());
        assertEquals(List.of(0, 2), info.starts());
        assertArrayEquals(new byte[] {(byte) 0xeB, (byte) 0x9F}, new byte[] {info.btf()[0], info.btf()[1]});
    }
}
