package io.bpf4j.structs.btf;

import java.util.List;

/**
 * One decoded BTF type: a record per kind. Types refer to each other by id; {@link Btf#type(int)}
 * decodes the type behind an id (decoding happens on demand, never for the whole blob).
 *
 * <pre>{@code
 * Btf btf = Btf.kernel();
 * BtfType.StructType task = btf.struct("task_struct");
 * for (BtfType.Member m : task.members()) {
 *     System.out.println(m.name() + " @" + m.offset() + ": " + btf.typeName(m.type()));
 * }
 * }</pre>
 */
public sealed interface BtfType {

    /** This type's id (0 for void). */
    int id();

    /** The type's name, or "" for anonymous types and for kinds that have none (pointers, arrays). */
    String name();

    /** Which kind of type this is. */
    BtfKind kind();

    /** {@code void}: id 0. */
    record VoidType() implements BtfType {
        @Override public int id() { return 0; }
        @Override public String name() { return "void"; }
        @Override public BtfKind kind() { return BtfKind.VOID; }
    }

    /**
     * An integer (INT): {@code size} bytes, of which {@code bits} starting at {@code bitOffset} are
     * used; {@code encoding} holds the SIGNED (1), CHAR (2) and BOOL (4) flags.
     */
    record IntType(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        /** Encoding flag of a signed integer. */
        public static final int SIGNED = 1;
        /** Encoding flag of a character type. */
        public static final int CHAR = 2;
        /** Encoding flag of {@code _Bool}. */
        public static final int BOOL = 4;

        @Override public BtfKind kind() { return BtfKind.INT; }

        /** True when the integer is signed. */
        public boolean signed() { return (encoding & SIGNED) != 0; }
    }

    /** A pointer (PTR) to {@code type}. */
    record PtrType(int id, int type) implements BtfType {
        @Override public String name() { return ""; }
        @Override public BtfKind kind() { return BtfKind.PTR; }
    }

    /** An array (ARRAY) of {@code length} elements of {@code elementType}. */
    record ArrayType(int id, int elementType, int indexType, int length) implements BtfType {
        @Override public String name() { return ""; }
        @Override public BtfKind kind() { return BtfKind.ARRAY; }
    }

    /** A struct or union ({@code union} tells which) of {@code size} bytes. */
    record StructType(int id, String name, boolean union, int size, List<Member> members) implements BtfType {
        @Override public BtfKind kind() { return union ? BtfKind.UNION : BtfKind.STRUCT; }
    }

    /**
     * One member of a struct or union. {@code bitfieldSize} is 0 unless the member is a bitfield;
     * an anonymous member (inner struct or union without a name) has the name "".
     */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {
        /** Byte offset of the member in its struct (of the byte holding its first bit for bitfields). */
        public long offset() { return bitOffset >>> 3; }

        /** True for a bitfield member. */
        public boolean isBitfield() { return bitfieldSize != 0; }
    }

    /** An enumeration (ENUM, or ENUM64 when {@code wide}) of {@code size} bytes. */
    record EnumType(int id, String name, boolean wide, boolean signed, int size, List<EnumValue> values)
            implements BtfType {
        @Override public BtfKind kind() { return wide ? BtfKind.ENUM64 : BtfKind.ENUM; }
    }

    /** One enumerator: name and value (sign-extended when the enum is signed). */
    record EnumValue(String name, long value) {
    }

    /** A forward declaration (FWD) of a struct or, when {@code union}, a union. */
    record FwdType(int id, String name, boolean union) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.FWD; }
    }

    /** A typedef (TYPEDEF) naming {@code type}. */
    record TypedefType(int id, String name, int type) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.TYPEDEF; }
    }

    /** A qualifier ({@code kind} is VOLATILE, CONST or RESTRICT) on {@code type}. */
    record QualifierType(int id, BtfKind kind, int type) implements BtfType {
        @Override public String name() { return ""; }
    }

    /** A type tag (TYPE_TAG, e.g. {@code __user}, {@code __rcu}) on {@code type}. */
    record TypeTagType(int id, String name, int type) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.TYPE_TAG; }
    }

    /** A function (FUNC) whose signature is the FUNC_PROTO {@code proto}; linkage 0 static, 1 global, 2 extern. */
    record FuncType(int id, String name, int proto, int linkage) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.FUNC; }
    }

    /** A function prototype (FUNC_PROTO); a variadic prototype ends with a parameter of type 0 and no name. */
    record FuncProtoType(int id, int returnType, List<Param> params) implements BtfType {
        @Override public String name() { return ""; }
        @Override public BtfKind kind() { return BtfKind.FUNC_PROTO; }
    }

    /** One parameter of a prototype (the name is "" in prototypes that are not a FUNC's). */
    record Param(String name, int type) {
    }

    /** A variable (VAR); linkage 0 static, 1 global, 2 extern. */
    record VarType(int id, String name, int type, int linkage) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.VAR; }
    }

    /** A data section (DATASEC, e.g. {@code .data..percpu}) listing variables at offsets. */
    record DataSecType(int id, String name, int size, List<VarInfo> vars) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.DATASEC; }
    }

    /** One variable of a data section: its VAR type id, offset and size in the section. */
    record VarInfo(int type, int offset, int size) {
    }

    /** A floating-point type (FLOAT) of {@code size} bytes. */
    record FloatType(int id, String name, int size) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.FLOAT; }
    }

    /**
     * A declaration tag (DECL_TAG) attached to {@code type}; {@code componentIndex} is -1 for the
     * type itself, else the member or parameter index it tags.
     */
    record DeclTagType(int id, String name, int type, int componentIndex) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.DECL_TAG; }
    }
}
