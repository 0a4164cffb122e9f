package io.bpf4j.structs.btf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Prints BTF the way {@code bpftool btf dump file X format raw} does (bpftool v7.1, the oracle the
 * tests compare against), one type per line with members, parameters and enumerators indented.
 */
final class RawDump {
    private RawDump() {
    }

    static String dump(Btf btf) {
        StringBuilder sb = new StringBuilder();
        dump(btf, btf.firstId(), btf.typeCount(), sb);
        return sb.toString();
    }

    static void dump(Btf btf, int from, int to, Appendable out) {
        try {
            for (int id = from; id < to; id++) {
                type(btf, btf.type(id), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void dump(Btf btf, Writer out) {
        dump(btf, btf.firstId(), btf.typeCount(), out);
    }

    private static String q(String name) {
        return "'" + (name.isEmpty() ? "(anon)" : name) + "'";
    }

    private static void type(Btf btf, BtfType t, Appendable o) throws IOException {
        o.append('[').append(String.valueOf(t.id())).append("] ").append(t.kind().name()).append(' ').append(q(t.name()));
        switch (t.kind()) {
            case INT: {
                BtfType.IntType i = (BtfType.IntType) t;
                String enc = i.encoding() == 0 ? "(none)" : i.encoding() == 1 ? "SIGNED" : i.encoding() == 2 ? "CHAR"
                        : i.encoding() == 4 ? "BOOL" : "UNKN";
                o.append(" size=" + i.size() + " bits_offset=" + i.bitOffset() + " nr_bits=" + i.bits()
                        + " encoding=" + enc + "\n");
                break;
            }
            case PTR:
                o.append(" type_id=" + ((BtfType.PtrType) t).type() + "\n");
                break;
            case ARRAY: {
                BtfType.ArrayType a = (BtfType.ArrayType) t;
                o.append(" type_id=" + a.elementType() + " index_type_id=" + a.indexType() + " nr_elems="
                        + Integer.toUnsignedString(a.length()) + "\n");
                break;
            }
            case STRUCT:
            case UNION: {
                BtfType.StructType s = (BtfType.StructType) t;
                o.append(" size=" + Integer.toUnsignedString(s.size()) + " vlen=" + s.members().size() + "\n");
                for (BtfType.Member m : s.members()) {
                    o.append("\t" + q(m.name()) + " type_id=" + m.type() + " bits_offset=" + m.bitOffset()
                            + (m.bitfieldSize() != 0 ? " bitfield_size=" + m.bitfieldSize() : "") + "\n");
                }
                break;
            }
            case ENUM:
            case ENUM64: {
                BtfType.EnumType e = (BtfType.EnumType) t;
                o.append(" encoding=" + (e.signed() ? "SIGNED" : "UNSIGNED") + " size=" + e.size() + " vlen="
                        + e.values().size() + "\n");
                for (BtfType.EnumValue v : e.values()) {
                    String val = e.wide() ? (e.signed() ? v.value() + "LL" : Long.toUnsignedString(v.value()) + "ULL")
                            : String.valueOf(v.value());
                    o.append("\t" + q(v.name()) + " val=" + val + "\n");
                }
                break;
            }
            case FWD:
                o.append(" fwd_kind=" + (((BtfType.FwdType) t).union() ? "union" : "struct") + "\n");
                break;
            case TYPEDEF:
                o.append(" type_id=" + ((BtfType.TypedefType) t).type() + "\n");
                break;
            case VOLATILE:
            case CONST:
            case RESTRICT:
                o.append(" type_id=" + ((BtfType.QualifierType) t).type() + "\n");
                break;
            case TYPE_TAG:
                o.append(" type_id=" + ((BtfType.TypeTagType) t).type() + "\n");
                break;
            case FUNC: {
                BtfType.FuncType f = (BtfType.FuncType) t;
                o.append(" type_id=" + f.proto() + " linkage=" + linkage(f.linkage()) + "\n");
                break;
            }
            case FUNC_PROTO: {
                BtfType.FuncProtoType f = (BtfType.FuncProtoType) t;
                o.append(" ret_type_id=" + f.returnType() + " vlen=" + f.params().size() + "\n");
                for (BtfType.Param p : f.params()) {
                    o.append("\t" + q(p.name()) + " type_id=" + p.type() + "\n");
                }
                break;
            }
            case VAR: {
                BtfType.VarType v = (BtfType.VarType) t;
                o.append(" type_id=" + v.type() + ", linkage=" + linkage(v.linkage()) + "\n");
                break;
            }
            case DATASEC: {
                BtfType.DataSecType d = (BtfType.DataSecType) t;
                o.append(" size=" + Integer.toUnsignedString(d.size()) + " vlen=" + d.vars().size() + "\n");
                for (BtfType.VarInfo v : d.vars()) {
                    o.append("\ttype_id=" + v.type() + " offset=" + Integer.toUnsignedString(v.offset()) + " size="
                            + Integer.toUnsignedString(v.size()) + " (VAR " + q(btf.type(v.type()).name()) + ")\n");
                }
                break;
            }
            case FLOAT:
                o.append(" size=" + ((BtfType.FloatType) t).size() + "\n");
                break;
            case DECL_TAG: {
                BtfType.DeclTagType d = (BtfType.DeclTagType) t;
                o.append(" type_id=" + d.type() + " component_idx=" + d.componentIndex() + "\n");
                break;
            }
            default:
                throw new IllegalStateException(t.toString());
        }
    }

    private static String linkage(int l) {
        return l == 0 ? "static" : l == 1 ? "global" : l == 2 ? "extern" : "(unknown)";
    }
}
