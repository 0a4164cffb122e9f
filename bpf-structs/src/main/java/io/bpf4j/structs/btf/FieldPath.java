package io.bpf4j.structs.btf;

import java.util.List;

/**
 * The reads that fetch a value through a chain of kernel pointers, resolved against one kernel's
 * BTF: {@code task_struct.real_parent->tgid} is "read 8 bytes at base+1280 (the parent pointer),
 * then 4 bytes at parent+1268". Every hop but the last reads a pointer; the last reads the value.
 * {@link FieldPathReads} turns a path into {@code bpf_probe_read_kernel} calls.
 *
 * <pre>{@code
 * FieldPath p = Btf.kernel().path("task_struct.real_parent->tgid");
 * p.hops().get(0);       // Hop[offset=1280, size=8, type=<id of struct task_struct *>]
 * p.last().size();       // 4
 * p.typeName();          // "pid_t"
 * }</pre>
 *
 * @param expression the path as written
 * @param root name of the struct the starting pointer points at
 * @param hops the reads, in order; never empty
 * @param type BTF id of the value's type
 * @param typeName the value's C type
 */
public record FieldPath(String expression, String root, List<Hop> hops, int type, String typeName) {

    public FieldPath {
        if (hops == null || hops.isEmpty()) {
            throw new IllegalArgumentException("field path '" + expression + "' has no hops");
        }
        hops = List.copyOf(hops);
    }

    /**
     * One read: {@code size} bytes at {@code offset} from the pointer the previous hop produced (or
     * from the starting pointer).
     *
     * @param offset byte offset from the current pointer
     * @param size bytes read (8 for a pointer hop)
     * @param type BTF id of the type read
     * @param member the member expression this hop reads, e.g. "real_parent"
     */
    public record Hop(long offset, int size, int type, String member) {
    }

    /** The final read: the value itself. */
    public Hop last() {
        return hops.get(hops.size() - 1);
    }

    /** Size in bytes of the value. */
    public int size() {
        return last().size();
    }

    /** Number of pointer dereferences before the value is read. */
    public int derefs() {
        return hops.size() - 1;
    }
}
