package io.bpf4j.structs.btf;

/**
 * The kinds of BTF type, numbered as in {@code include/uapi/linux/btf.h} ({@code BTF_KIND_INT} = 1
 * … {@code BTF_KIND_ENUM64} = 19); {@link #VOID} stands for type id 0.
 *
 * <pre>{@code
 * BtfKind.of(4);              // STRUCT
 * BtfKind.STRUCT.code();      // 4
 * }</pre>
 */
public enum BtfKind {
    /** Type id 0, {@code void}: no record in the type section. */
    VOID(0),
    INT(1),
    PTR(2),
    ARRAY(3),
    STRUCT(4),
    UNION(5),
    ENUM(6),
    FWD(7),
    TYPEDEF(8),
    VOLATILE(9),
    CONST(10),
    RESTRICT(11),
    FUNC(12),
    FUNC_PROTO(13),
    VAR(14),
    DATASEC(15),
    FLOAT(16),
    DECL_TAG(17),
    TYPE_TAG(18),
    ENUM64(19);

    private static final BtfKind[] BY_CODE = values();

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    /** The number stored in bits 24..28 of a type's {@code info} word. */
    public int code() {
        return code;
    }

    /** The kind with this number. */
    public static BtfKind of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("BTF kind " + code + " unknown: expected 0.." + (BY_CODE.length - 1));
        }
        return BY_CODE[code];
    }

    /** True for the kinds a type chain passes through: typedef, const, volatile, restrict, type_tag. */
    public boolean isAlias() {
        return this == TYPEDEF || this == CONST || this == VOLATILE || this == RESTRICT || this == TYPE_TAG;
    }
}
