package io.bpf4j.core;

/**
 * The byte-swap family (op {@code BPF_END} 0xd0): {@code le}/{@code be} convert between host order
 * and a fixed order (class ALU, source bit 0 for little, 1 for big endian); {@code bswap}
 * swaps unconditionally (class ALU64, Linux 6.6). Width 16, 32 or 64 is the {@code imm}.
 *
 * <pre>{@code
 * new EndianInsn(ByteSwap.BE, 16, Reg.R1);   // r1 = be16 r1
 * }</pre>
 */
public enum ByteSwap {
    LE("le"), BE("be"), BSWAP("bswap");

    private final String mnemonic;

    ByteSwap(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    /** {@code le}, {@code be} or {@code bswap}. */
    public String mnemonic() {
        return mnemonic;
    }
}
