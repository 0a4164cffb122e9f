package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing and lookups on blobs written by {@link BtfBlobWriter} (the layout of include/uapi/linux/btf.h). */
class BtfTest {

    /** A miniature task_struct: ids are fixed by the order of the writer calls. */
    static final class Mini {
        final BtfBlobWriter w = new BtfBlobWriter();
        final int intT = w.integer("int", 4, BtfType.IntType.SIGNED, 32);            // 1
        final int pidT = w.typedef("pid_t", intT);                                   // 2
        final int task = w.struct("task_struct", false, 48,                          // 3
                "state", intT, 0, 0,
                "pid", pidT, 32, 0,
                "tgid", pidT, 64, 0,
                "", 5, 128, 0,              // anonymous union at byte 16
                "real_parent", 4, 192, 0,
                "comm", 8, 256, 0);
        final int taskPtr = w.ptr(task);                                             // 4
        final int anon = w.struct("", true, 8, "flags", intT, 0, 0, "other", 6, 0, 0);  // 5
        final int ulong = w.integer("unsigned long", 8, 0, 64);                     // 6
        final int charT = w.integer("char", 1, BtfType.IntType.CHAR, 8);            // 7
        final int comm;

        Mini() {
            // Member "comm" of task_struct refers to id 8, this char[16].
            comm = w.array(charT, intT, 16);                                         // 8
        }

        Btf btf() {
            return Btf.parse(w.bytes());
        }
    }

    @Test
    void findsStructsByNameAndKindAndDecodesTheirMembers() {
        Mini m = new Mini();
        Btf btf = m.btf();
        assertEquals(9, btf.typeCount());
        assertEquals(m.task, btf.findId("task_struct", BtfKind.STRUCT).orElseThrow());
        assertTrue(btf.findId("task_struct", BtfKind.UNION).isEmpty());
        assertTrue(btf.findId("nope", BtfKind.STRUCT).isEmpty());
        BtfType.StructType t = btf.struct("task_struct");
        assertEquals(48, t.size());
        assertEquals(List.of("state", "pid", "tgid", "", "real_parent", "comm"),
                t.members().stream().map(BtfType.Member::name).collect(java.util.stream.Collectors.toList()));
        assertEquals(24, t.members().get(4).offset());
    }

    @Test
    void offsetOfFindsMembersOfAnonymousUnionsAndNestedPaths() {
        Btf btf = new Mini().btf();
        assertEquals(8, btf.offsetOf("task_struct", "tgid"));
        assertEquals(16, btf.offsetOf("task_struct", "flags"));
        assertEquals(16, btf.offsetOf("struct task_struct", "other"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> btf.offsetOf("task_struct", "missing"));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void fieldPathThroughAPointerGivesOneHopPerRead() {
        Mini m = new Mini();
        Btf btf = m.btf();
        FieldPath p = btf.path("task_struct.real_parent->tgid");
        assertEquals(List.of(new FieldPath.Hop(24, 8, m.taskPtr, "real_parent"), new FieldPath.Hop(8, 4, m.pidT, "tgid")),
                p.hops());
        assertEquals("pid_t", p.typeName());
        assertEquals(1, p.derefs());
        assertEquals(p.hops(), btf.path("task_struct->real_parent->tgid").hops());
        FieldPath twice = btf.path("task_struct.real_parent->real_parent->comm[3]");
        assertEquals(List.of(24L, 24L, 35L), twice.hops().stream().map(FieldPath.Hop::offset)
                .collect(java.util.stream.Collectors.toList()));
        assertEquals(1, twice.size());
    }

    @Test
    void fieldPathErrorsNameTheProblem() {
        Btf btf = new Mini().btf();
        assertThrows(IllegalArgumentException.class, () -> btf.path("task_struct"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> btf.path("task_struct.tgid->x"))
                .getMessage().contains("not a pointer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> btf.path("task_struct.comm[16]"))
                .getMessage().contains("out of bounds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> btf.path("task_struct..pid"))
                .getMessage().contains("character 12"));
    }

    @Test
    void bitfieldsComeFromTheKindFlag() {
        BtfBlobWriter w = new BtfBlobWriter();
        int u32 = w.integer("unsigned int", 4, 0, 32);
        w.struct("flags", false, 8, "a", u32, 0, 3, "b", u32, 3, 5, "c", u32, 32, 0);
        Btf btf = Btf.parse(w.bytes());
        BtfType.Member b = btf.member("flags", "b");
        assertTrue(b.isBitfield());
        assertEquals(3, b.bitOffset());
        assertEquals(5, b.bitfieldSize());
        assertThrows(IllegalArgumentException.class, () -> btf.offsetOf("flags", "b"));
        assertEquals(4, btf.offsetOf("flags", "c"));
    }

    @Test
    void decodesEveryKind() {
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        int ptr = w.ptr(i);
        int arr = w.array(i, i, 4);
        int st = w.struct("s", false, 4, "x", i, 0, 0);
        int un = w.struct("u", true, 4, "x", i, 0, 0);
        int en = w.enumeration("e", 4, true, "A", -1, "B", 2);
        int fwd = w.fwd("later", true);
        int td = w.typedef("myint", i);
        int vol = w.qualifier(BtfKind.VOLATILE, i);
        int cst = w.qualifier(BtfKind.CONST, i);
        int rst = w.qualifier(BtfKind.RESTRICT, ptr);
        int proto = w.funcProto(i, "a", i, "", 0);
        int fn = w.func("f", proto, 1);
        int var = w.var("v", i, 1);
        int sec = w.datasec(".data", 4, var, 0, 4);
        int fl = w.floating("double", 8);
        int tag = w.declTag("tagged", fn, -1);
        int tt = w.typeTag("rcu", st);
        int e64 = w.enum64("big", 8, false, "HUGE", 0x1_0000_0001L);
        Btf btf = Btf.parse(w.bytes());

        assertEquals(new BtfType.IntType(i, "int", 4, 1, 0, 32), btf.type(i));
        assertEquals(new BtfType.PtrType(ptr, i), btf.type(ptr));
        assertEquals(new BtfType.ArrayType(arr, i, i, 4), btf.type(arr));
        assertEquals(BtfKind.STRUCT, btf.type(st).kind());
        assertEquals(BtfKind.UNION, btf.type(un).kind());
        assertEquals(new BtfType.EnumType(en, "e", false, true, 4,
                List.of(new BtfType.EnumValue("A", -1), new BtfType.EnumValue("B", 2))), btf.type(en));
        assertEquals(new BtfType.FwdType(fwd, "later", true), btf.type(fwd));
        assertEquals(new BtfType.TypedefType(td, "myint", i), btf.type(td));
        assertEquals(new BtfType.QualifierType(vol, BtfKind.VOLATILE, i), btf.type(vol));
        assertEquals(new BtfType.QualifierType(cst, BtfKind.CONST, i), btf.type(cst));
        assertEquals(new BtfType.QualifierType(rst, BtfKind.RESTRICT, ptr), btf.type(rst));
        assertEquals(new BtfType.FuncProtoType(proto, i, List.of(new BtfType.Param("a", i), new BtfType.Param("", 0))),
                btf.type(proto));
        assertEquals(new BtfType.FuncType(fn, "f", proto, 1), btf.type(fn));
        assertEquals(new BtfType.VarType(var, "v", i, 1), btf.type(var));
        assertEquals(new BtfType.DataSecType(sec, ".data", 4, List.of(new BtfType.VarInfo(var, 0, 4))), btf.type(sec));
        assertEquals(new BtfType.FloatType(fl, "double", 8), btf.type(fl));
        assertEquals(new BtfType.DeclTagType(tag, "tagged", fn, -1), btf.type(tag));
        assertEquals(new BtfType.TypeTagType(tt, "rcu", st), btf.type(tt));
        assertEquals(new BtfType.EnumType(e64, "big", true, false, 8, List.of(new BtfType.EnumValue("HUGE", 0x1_0000_0001L))),
                btf.type(e64));
        assertInstanceOf(BtfType.VoidType.class, btf.type(0));
        assertEquals(20, btf.typeCount());
        btf.validate();
    }

    @Test
    void resolveSkipsTypedefsQualifiersAndTypeTags() {
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        int td = w.typedef("a_t", i);
        int c = w.qualifier(BtfKind.CONST, td);
        int v = w.qualifier(BtfKind.VOLATILE, c);
        int t = w.typeTag("user", v);
        int r = w.qualifier(BtfKind.RESTRICT, t);
        Btf btf = Btf.parse(w.bytes());
        assertEquals(i, btf.resolveId(r));
        assertEquals(4, btf.sizeOf(r));
    }

    @Test
    void sizesFollowArraysAndPointers() {
        Mini m = new Mini();
        Btf btf = m.btf();
        assertEquals(16, btf.sizeOf(m.comm));
        assertEquals(8, btf.sizeOf(m.taskPtr));
        assertEquals(48, btf.sizeOf(m.task));
        assertThrows(IllegalArgumentException.class, () -> btf.sizeOf(0));
    }

    @Test
    void typeNamesAreSpelledAsInC() {
        BtfBlobWriter w = new BtfBlobWriter();
        int ch = w.integer("char", 1, BtfType.IntType.CHAR, 8);
        int cc = w.qualifier(BtfKind.CONST, ch);
        int pcc = w.ptr(cc);
        int arr = w.array(ch, ch, 16);
        int st = w.struct("task_struct", false, 0);
        int pst = w.ptr(st);
        int constPtr = w.qualifier(BtfKind.CONST, pst);
        int vd = w.ptr(0);
        int proto = w.funcProto(ch, "", vd);
        int fptr = w.ptr(proto);
        int parr = w.ptr(arr);
        Btf btf = Btf.parse(w.bytes());
        assertEquals("const char *", btf.typeName(pcc));
        assertEquals("char[16]", btf.typeName(arr));
        assertEquals("struct task_struct *", btf.typeName(pst));
        assertEquals("struct task_struct *const", btf.typeName(constPtr));
        assertEquals("char (*)(void *)", btf.typeName(fptr));
        assertEquals("char (*)[16]", btf.typeName(parr));
    }

    @Test
    void functionSignaturesNameTheirParameters() {
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        int fname = w.struct("filename", false, 8);
        int pf = w.ptr(fname);
        int proto = w.funcProto(i, "dfd", i, "pathname", pf);
        w.func("do_filp_open", proto, 0);
        Btf btf = Btf.parse(w.bytes());
        FunctionSignature f = btf.function("do_filp_open").orElseThrow();
        assertEquals(1, f.parameter("pathname").orElseThrow().index());
        assertEquals("struct filename *", f.parameter("pathname").orElseThrow().typeName());
        assertEquals("int do_filp_open(int dfd, struct filename *pathname)", f.declaration());
        assertFalse(btf.function("inlined_away").isPresent());
    }

    @Test
    void splitBtfContinuesTheBaseIdsAndStrings() {
        Mini m = new Mini();
        Btf base = m.btf();
        byte[] baseBlob = m.w.bytes();
        int baseStrLen = java.nio.ByteBuffer.wrap(baseBlob).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
        BtfBlobWriter w = new BtfBlobWriter(base.typeCount(), baseStrLen, ByteOrder.LITTLE_ENDIAN);
        int modStruct = w.struct("nf_conn", false, 16, "parent", m.taskPtr, 0, 0, "mark", m.intT, 64, 0);
        Btf split = Btf.parseSplit(w.bytes(), base);
        assertEquals(9, modStruct);
        assertEquals(10, split.typeCount());
        assertEquals(modStruct, split.findId("nf_conn", BtfKind.STRUCT).orElseThrow());
        assertEquals(m.task, split.findId("task_struct", BtfKind.STRUCT).orElseThrow());
        assertEquals(List.of(new FieldPath.Hop(0, 8, m.taskPtr, "parent"), new FieldPath.Hop(8, 4, m.pidT, "tgid")),
                split.path("nf_conn.parent->tgid").hops());
        assertEquals("struct task_struct *", split.typeName(m.taskPtr));
        split.validate();
    }

    @Test
    void bigEndianBlobsParse() {
        BtfBlobWriter w = new BtfBlobWriter(1, 0, ByteOrder.BIG_ENDIAN);
        int i = w.integer("int", 4, 1, 32);
        w.struct("pair", false, 8, "a", i, 0, 0, "b", i, 32, 0);
        Btf btf = Btf.parse(w.bytes());
        assertEquals(4, btf.offsetOf("pair", "b"));
    }

    @Test
    void manyLookupsSwitchToTheHashIndexWithTheSameAnswers() {
        BtfBlobWriter w = new BtfBlobWriter();
        int i = w.integer("int", 4, 1, 32);
        for (int k = 0; k < 200; k++) {
            w.struct("s" + k, false, 4, "x", i, 0, 0);
            w.typedef("s" + k, i); // same name, other kind
        }
        w.struct("s7", false, 8); // a second struct named s7: the first one wins
        Btf btf = Btf.parse(w.bytes());
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 200; k++) {
                assertEquals(2 + 2 * k, btf.findId("s" + k, BtfKind.STRUCT).orElseThrow(), "s" + k);
                assertEquals(3 + 2 * k, btf.findId("s" + k, BtfKind.TYPEDEF).orElseThrow(), "s" + k);
            }
            assertTrue(btf.findId("s200", BtfKind.STRUCT).isEmpty());
        }
    }
}
