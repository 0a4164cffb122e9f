package io.bpf4j.core;

/**
 * Atomic operations (class STX, mode {@code BPF_ATOMIC} 0xc0), carried in the {@code imm} field.
 *
 * <pre>
 *   imm:  ADD 0x00  OR 0x40  AND 0x50  XOR 0xa0   (| FETCH 0x01 returns the old value in src)
 *         XCHG 0xe1  CMPXCHG 0xf1 (compares with r0, old value into r0)
 *         LOAD_ACQ 0x100  STORE_REL 0x110 (Linux 6.15)
 * </pre>
 *
 * <pre>{@code
 * new AtomicInsn(AtomicOp.FETCH_ADD, Size.DW, Reg.R1, Reg.R2, (short) 0); // r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)
 * }</pre>
 */
public enum AtomicOp {
    ADD(0x00), FETCH_ADD(0x01),
    OR(0x40), FETCH_OR(0x41),
    AND(0x50), FETCH_AND(0x51),
    XOR(0xa0), FETCH_XOR(0xa1),
    XCHG(0xe1),
    CMPXCHG(0xf1),
    /** {@code dst = load_acquire((size *)(src + off))}, Linux 6.15. */
    LOAD_ACQUIRE(0x100),
    /** {@code store_release((size *)(dst + off), src)}, Linux 6.15. */
    STORE_RELEASE(0x110);

    private final int imm;

    AtomicOp(int imm) {
        this.imm = imm;
    }

    /** The {@code imm} value that selects this operation. */
    public int imm() {
        return imm;
    }

    /** True if the old value is written back to a register. */
    public boolean fetches() {
        return (imm & 0x01) != 0 && imm < 0x100;
    }

    /** True for the read-modify-write operations, which exist only in W and DW. */
    public boolean isReadModifyWrite() {
        return imm < 0x100;
    }

    /** The operation with this {@code imm}, or null. */
    public static AtomicOp of(int imm) {
        for (AtomicOp op : values()) {
            if (op.imm == imm) {
                return op;
            }
        }
        return null;
    }
}
