package io.bpf4j.core;

/**
 * An atomic memory operation (class STX, mode {@code BPF_ATOMIC}): read-modify-write in W or DW,
 * or a load-acquire / store-release in any size.
 *
 * <pre>{@code
 * new AtomicInsn(AtomicOp.ADD, Size.DW, Reg.R1, Reg.R2, 0);   // lock *(u64 *)(r1 +0) += r2
 * new AtomicInsn(AtomicOp.CMPXCHG, Size.W, Reg.R1, Reg.R2, 4); // r0 = atomic_cmpxchg((u32 *)(r1 +4), r0, r2)
 * }</pre>
 *
 * @param op the operation
 * @param size W or DW (any size for load-acquire and store-release)
 * @param dst address register (for {@code LOAD_ACQUIRE}, the destination value register)
 * @param src value register (for {@code LOAD_ACQUIRE}, the address register)
 * @param off signed 16-bit displacement
 */
public record AtomicInsn(AtomicOp op, Size size, Reg dst, Reg src, int off) implements Instruction {
    public AtomicInsn {
        if (op == null || size == null) {
            throw new IllegalArgumentException("atomic: operation or size missing");
        }
        String what = NAMES[op.ordinal() * 4 + size.ordinal()];   // precomputed: no allocation per instruction
        Checks.present(dst, "destination", what);
        Checks.present(src, "source", what);
        Checks.s16(off, what);
        if (op.isReadModifyWrite() && size != Size.W && size != Size.DW) {
            throw new IllegalArgumentException(what + ": read-modify-write atomics exist in W and DW only, found "
                    + size.name());
        }
        if (op == AtomicOp.LOAD_ACQUIRE) {
            Checks.written(dst, what);
        }
    }

    private static final String[] NAMES = new String[AtomicOp.values().length * 4];

    static {
        for (AtomicOp op : AtomicOp.values()) {
            for (Size size : Size.values()) {
                NAMES[op.ordinal() * 4 + size.ordinal()] = "atomic " + op.name().toLowerCase(java.util.Locale.ROOT) + " "
                        + size.name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    @Override
    public Kind kind() {
        return Kind.ATOMIC;
    }

    @Override
    public int opcode() {
        return 0xc0 | size.code() | CLASS_STX;
    }
}
