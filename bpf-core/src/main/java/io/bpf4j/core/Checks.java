package io.bpf4j.core;

/** Range checks shared by the instruction records; messages say what was found and what was expected. */
final class Checks {
    private Checks() {
    }

    /**
     * The destination register is present. Writing r10 is encodable (the kernel's printer prints
     * it, verifier tests load it), so it is not refused here but by {@link Lint} where a program is built.
     */
    static Reg written(Reg dst, String what) {
        if (dst == null) {
            throw new IllegalArgumentException(what + ": destination register missing");
        }
        return dst;
    }

    static Reg present(Reg r, String role, String what) {
        if (r == null) {
            throw new IllegalArgumentException(what + ": " + role + " register missing");
        }
        return r;
    }

    static int s16(int off, String what) {
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": offset " + off + " out of range: expected -32768..32767");
        }
        return off;
    }

    static int s32(long imm, String what) {
        if (imm < Integer.MIN_VALUE || imm > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": imm " + imm + " out of range: expected a signed 32-bit value");
        }
        return (int) imm;
    }
}
