package io.bpf4j.core;

/**
 * A legacy packet load for socket filters: {@code r0 = ntohl(*(u32 *)skb[imm])} ({@code BPF_ABS})
 * or {@code r0 = … skb[src + imm]} ({@code BPF_IND}), sizes B, H and W. r6 must hold the skb.
 *
 * <pre>{@code
 * new PacketLoadInsn(Size.H, false, null, 12);   // r0 = *(u16 *)skb[12]   (opcode 0x28)
 * }</pre>
 *
 * @param size B, H or W
 * @param indirect true for {@code BPF_IND}
 * @param src the index register for {@code BPF_IND}, null for {@code BPF_ABS}
 * @param imm the packet offset
 */
public record PacketLoadInsn(Size size, boolean indirect, Reg src, int imm) implements Instruction {
    public PacketLoadInsn {
        if (size == null || size == Size.DW) {
            throw new IllegalArgumentException("packet load: size " + size + " unsupported: expected B, H or W");
        }
        if (indirect != (src != null)) {
            throw new IllegalArgumentException(indirect ? "ld_ind: index register missing"
                    : "ld_abs: takes no index register, found " + src);
        }
    }

    @Override
    public Kind kind() {
        return Kind.PACKET_LOAD;
    }

    @Override
    public int opcode() {
        return (indirect ? 0x40 : 0x20) | size.code() | CLASS_LD;
    }
}
