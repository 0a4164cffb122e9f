package io.bpf4j.structs.btf;

import java.util.List;

/** Renders BTF types as C declarations ("struct task_struct *", "char [16]", "int (*)(void *)"). */
final class TypeNames {
    /** Most types visited for one name: a real kernel name needs a few dozen. */
    private static final int BUDGET = 1 << 14;

    /** The C spelling of type {@code id}. */
    static String render(Btf btf, int id) {
        return new TypeNames(btf).render(id, "", 0).trim();
    }

    private final Btf btf;
    private int visited;

    private TypeNames(Btf btf) {
        this.btf = btf;
    }

    /** The declaration of {@code declarator} (possibly "") with type {@code id}. */
    private String render(int id, String declarator, int depth) {
        if (++visited > BUDGET) {
            // Corrupted data can make a prototype's parameters point back at it: stop, do not explode.
            throw new BtfFormatException(btf.where(id), "type " + id + " needs more than " + BUDGET
                    + " types to spell (a loop through function prototypes?)");
        }
        if (depth > Btf.MAX_CHAIN) {
            throw new BtfFormatException(btf.where(id), "type " + id + " nests more than " + Btf.MAX_CHAIN
                    + " levels deep (a loop?)");
        }
        int kind = btf.kindCode(id);
        switch (BtfKind.of(kind)) {
            case VOID:
                return "void" + space(declarator);
            case INT:
            case FLOAT:
            case TYPEDEF:
                return btf.nameOf(id) + space(declarator);
            case STRUCT:
            case UNION:
                return (kind == BtfKind.UNION.code() ? "union " : "struct ") + named(btf.nameOf(id)) + space(declarator);
            case ENUM:
            case ENUM64:
                return "enum " + named(btf.nameOf(id)) + space(declarator);
            case FWD:
                return (((BtfType.FwdType) btf.type(id)).union() ? "union " : "struct ") + named(btf.nameOf(id))
                        + space(declarator);
            case PTR: {
                int target = ((BtfType.PtrType) btf.type(id)).type();
                int tk = btf.kindCode(target);
                boolean wrap = tk == BtfKind.ARRAY.code() || tk == BtfKind.FUNC_PROTO.code();
                return render(target, wrap ? "(*" + declarator + ")" : "*" + declarator, depth + 1);
            }
            case ARRAY: {
                BtfType.ArrayType a = (BtfType.ArrayType) btf.type(id);
                return render(a.elementType(), declarator + "[" + (a.length() & 0xffffffffL) + "]", depth + 1);
            }
            case CONST:
            case VOLATILE:
            case RESTRICT: {
                BtfType.QualifierType q = (BtfType.QualifierType) btf.type(id);
                String word = q.kind().name().toLowerCase();
                if (btf.kindCode(q.type()) == BtfKind.PTR.code()) {
                    return render(q.type(), word + (declarator.isEmpty() ? "" : " " + declarator), depth + 1);
                }
                return word + " " + render(q.type(), declarator, depth + 1);
            }
            case TYPE_TAG:
                return render(((BtfType.TypeTagType) btf.type(id)).type(), declarator, depth + 1);
            case FUNC_PROTO: {
                BtfType.FuncProtoType fp = (BtfType.FuncProtoType) btf.type(id);
                return render(fp.returnType(), declarator + "(" + params(fp.params(), depth) + ")", depth + 1);
            }
            case FUNC: {
                BtfType.FuncType f = (BtfType.FuncType) btf.type(id);
                return render(f.proto(), f.name() + declarator, depth + 1);
            }
            case VAR: {
                BtfType.VarType v = (BtfType.VarType) btf.type(id);
                return render(v.type(), v.name(), depth + 1);
            }
            case DATASEC:
                return "SEC(\"" + btf.nameOf(id) + "\")";
            case DECL_TAG:
                return "__attribute__((btf_decl_tag(\"" + btf.nameOf(id) + "\")))";
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }

    private String params(List<BtfType.Param> params, int depth) {
        if (params.isEmpty()) {
            return "void";
        }
        StringBuilder sb = new StringBuilder();
        for (BtfType.Param p : params) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(p.type() == 0 ? "..." : render(p.type(), p.name(), depth + 1));
        }
        return sb.toString();
    }

    private static String named(String name) {
        return name.isEmpty() ? "(anon)" : name;
    }

    private static String space(String declarator) {
        if (declarator.isEmpty()) {
            return "";
        }
        return declarator.startsWith("[") ? declarator : " " + declarator;
    }
}
