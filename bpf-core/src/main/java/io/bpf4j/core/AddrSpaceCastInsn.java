package io.bpf4j.core;

/**
 * {@code dst = addr_space_cast(src, dstAs, srcAs)}: converts a pointer between address spaces for
 * BPF arena programs (Linux 6.9). Encoded as ALU64 {@code mov} from a register with off 1 and
 * {@code imm = dstAs << 16 | srcAs}.
 *
 * <pre>{@code
 * new AddrSpaceCastInsn(Reg.R1, Reg.R1, 0, 1);   // r1 = addr_space_cast(r1, 0, 1)
 * }</pre>
 *
 * @param dst destination register
 * @param src source register
 * @param dstAs destination address space, 0..65535
 * @param srcAs source address space, 0..65535
 */
public record AddrSpaceCastInsn(Reg dst, Reg src, int dstAs, int srcAs) implements Instruction {
    public AddrSpaceCastInsn {
        Checks.written(dst, "addr_space_cast");
        Checks.present(src, "source", "addr_space_cast");
        if (dstAs < 0 || dstAs > 0xffff || srcAs < 0 || srcAs > 0xffff) {
            throw new IllegalArgumentException("addr_space_cast: address spaces " + dstAs + ", " + srcAs
                    + " out of range: expected 0..65535");
        }
    }

    /** The immediate: {@code dstAs << 16 | srcAs}. */
    public int imm() {
        return dstAs << 16 | srcAs;
    }

    @Override
    public Kind kind() {
        return Kind.ADDR_SPACE_CAST;
    }

    @Override
    public int opcode() {
        return 0xb0 | 0x08 | CLASS_ALU64;
    }
}
