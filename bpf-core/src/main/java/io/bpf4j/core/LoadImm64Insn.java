package io.bpf4j.core;

/**
 * {@code ld_imm64} (opcode 0x18): {@code dst = imm64}, two slots. The source register chooses
 * what the immediate means ({@link PseudoSource}).
 *
 * <pre>
 *  slot 0: | 0x18 | src | dst | off 0 | imm = low 32 bits  |
 *  slot 1: | 0x00 |  0  |  0  | off 0 | imm = high 32 bits |
 * </pre>
 * For {@code MAP_VALUE} the low half is the map fd and the high half the offset into the value.
 * {@code symbol} names what the loader or assembler fills in: a map name for map sources (its fd is
 * substituted at load time), a label for {@code FUNC}.
 *
 * <pre>{@code
 * new LoadImm64Insn(Reg.R1, PseudoSource.NONE, 0x1234_5678_9abcL, null); // r1 = 0x123456789abc ll
 * new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, -1, "events");           // fd filled at load
 * new LoadImm64Insn(Reg.R2, PseudoSource.FUNC, 0, "callback");            // for bpf_loop
 * }</pre>
 *
 * @param dst destination register (never r10)
 * @param source what the immediate means
 * @param imm the 64-bit immediate
 * @param symbol map name or function label to resolve, or null
 */
public record LoadImm64Insn(Reg dst, PseudoSource source, long imm, String symbol) implements Instruction {
    public LoadImm64Insn {
        Checks.written(dst, "ld_imm64");
        if (source == null) {
            throw new IllegalArgumentException("ld_imm64: pseudo source missing");
        }
        if (source == PseudoSource.FUNC && symbol == null && (imm < Integer.MIN_VALUE || imm > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("ld_imm64 func: offset " + imm + " out of range: expected a signed 32-bit value");
        }
        if (source == PseudoSource.MAP_FD || source == PseudoSource.MAP_IDX || source == PseudoSource.BTF_ID) {
            // A 32-bit quantity (fd, index, BTF id): the kernel rejects a non-zero upper half, so
            // -1 (no fd yet) is kept as 0xffffffff with the upper half 0.
            if (imm < Integer.MIN_VALUE || imm > 0xffff_ffffL) {
                throw new IllegalArgumentException("malformed ld_imm64 " + source.name().toLowerCase() + ": imm 0x"
                        + Long.toHexString(imm) + " has a non-zero upper half: expected a 32-bit value");
            }
            imm &= 0xffff_ffffL;
        }
    }

    /** The same load with a new immediate (used when a map fd or a function offset is resolved). */
    public LoadImm64Insn withImm(long newImm) {
        return new LoadImm64Insn(dst, source, newImm, symbol);
    }

    @Override
    public Kind kind() {
        return Kind.LD_IMM64;
    }

    @Override
    public int opcode() {
        return 0x00 | 0x18 | CLASS_LD;
    }

    @Override
    public int slots() {
        return 2;
    }

    @Override
    public String target() {
        return source == PseudoSource.FUNC ? symbol : null;
    }
}
