package io.bpf4j.core;

/**
 * What the 64-bit immediate of {@code ld_imm64} means, chosen by its source register
 * ({@code BPF_PSEUDO_*} in {@code include/uapi/linux/bpf.h}).
 *
 * <pre>
 *   0 NONE           imm64 is the value
 *   1 MAP_FD         imm = map fd                 → dst = map pointer
 *   2 MAP_VALUE      imm = map fd, next imm = off → dst = address of value + off
 *   3 BTF_ID         imm = BTF id of a kernel var → dst = its address
 *   4 FUNC           imm = insn offset of a func  → dst = function pointer (for bpf_loop &amp; co)
 *   5 MAP_IDX        imm = index into fd_array
 *   6 MAP_IDX_VALUE  imm = index into fd_array, next imm = off
 * </pre>
 *
 * <pre>{@code
 * new LoadImm64Insn(Reg.R1, PseudoSource.MAP_FD, 5, null);   // r1 = map[fd:5]
 * }</pre>
 */
public enum PseudoSource {
    NONE, MAP_FD, MAP_VALUE, BTF_ID, FUNC, MAP_IDX, MAP_IDX_VALUE;

    /** The source register value that selects this meaning. */
    public int code() {
        return ordinal();
    }

    /** True if the immediate refers to a map (by fd or by index). */
    public boolean isMap() {
        return this == MAP_FD || this == MAP_VALUE || this == MAP_IDX || this == MAP_IDX_VALUE;
    }

    /** The meaning of source register {@code code}. */
    public static PseudoSource of(int code) {
        PseudoSource[] all = values();
        if (code < 0 || code >= all.length) {
            throw new IllegalArgumentException("ld_imm64 pseudo source " + code + " unknown: expected 0..6");
        }
        return all[code];
    }
}
