package io.bpf4j.examples.net;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;

/**
 * The packet programs of {@code xdp-count} and {@code firewall}: both parse Ethernet, IPv4 (any
 * header length) and the TCP/UDP destination port, with every read checked against the packet's
 * end as the verifier requires. One body serves XDP ({@code xdp_md}: data at 0, data_end at 4)
 * and TC ({@code __sk_buff}: data at 76, data_end at 80); only the verdicts differ.
 *
 * <p>Both key their maps by {@link #key}: {@code protocol << 16 | port} for IPv4 (port 0 for
 * protocols without ports), {@code 0x01000000 | ethertype} for frames that are not IPv4. The port
 * is kept as the packet carries it (big endian) and turned around in Java.
 *
 * <pre>{@code
 * Program p = PacketPrograms.counter(counts, PacketPrograms.Hook.XDP);    // per-port packets and bytes
 * Program f = PacketPrograms.firewall(rules, PacketPrograms.Hook.TC);     // drop what rules holds
 * }</pre>
 */
public final class PacketPrograms {
    /** IPPROTO_TCP, IPPROTO_UDP. */
    public static final int TCP = 6, UDP = 17;
    /** Key bit of a frame that is not IPv4 (the low 16 bits hold its ethertype). */
    public static final int NOT_IPV4 = 0x0100_0000;

    /** Where a program runs: its context's packet pointers and its verdicts. */
    public enum Hook {
        /** XDP: pass 2, drop 1. */
        XDP(0, 4, 2, 1),
        /** TC direct action: TC_ACT_OK 0, TC_ACT_SHOT 2. */
        TC(76, 80, 0, 2);

        final int dataOff;
        final int endOff;
        final int pass;
        final int drop;

        Hook(int dataOff, int endOff, int pass, int drop) {
            this.dataOff = dataOff;
            this.endOff = endOff;
            this.pass = pass;
            this.drop = drop;
        }
    }

    private PacketPrograms() {
    }

    /** The map key of IPv4 protocol {@code protocol} to port {@code port} (host order). */
    public static int key(int protocol, int port) {
        return protocol << 16 | (Short.reverseBytes((short) port) & 0xffff);
    }

    /** The protocol of a key (0 for a frame that is not IPv4). */
    public static int protocol(int key) {
        return (key & NOT_IPV4) != 0 ? 0 : key >>> 16 & 0xff;
    }

    /** The port of a key, host order. */
    public static int port(int key) {
        return Short.reverseBytes((short) key) & 0xffff;
    }

    /**
     * Leaves the key in r7 and the frame's length in r8, or jumps to {@code pass} for a frame too
     * short for Ethernet. r6 keeps the context.
     */
    private static ProgramBuilder parse(Hook hook) {
        return Program.builder()
                .mov64(Reg.R6, Reg.R1)
                .ldxw(Reg.R2, Reg.R6, hook.dataOff)
                .ldxw(Reg.R3, Reg.R6, hook.endOff)
                .mov64(Reg.R8, Reg.R3).sub64(Reg.R8, Reg.R2)                // frame length
                .mov64(Reg.R4, Reg.R2).add64(Reg.R4, 14)
                .jgt(Reg.R4, Reg.R3, "pass")
                .ldxh(Reg.R5, Reg.R2, 12)                                    // ethertype, as the wire has it
                .jeq(Reg.R5, 0x0008, "ipv4")
                .mov64(Reg.R7, Reg.R5).be(Reg.R7, 16).or64(Reg.R7, NOT_IPV4)
                .ja("keyed")
                .label("ipv4")
                .mov64(Reg.R4, Reg.R2).add64(Reg.R4, 14 + 20)
                .jgt(Reg.R4, Reg.R3, "pass")
                .ldxb(Reg.R7, Reg.R2, 14 + 9)                                // protocol
                .lsh64(Reg.R7, 16)
                .ldxb(Reg.R5, Reg.R2, 14)
                .and64(Reg.R5, 0x0f).lsh64(Reg.R5, 2)                        // IPv4 header length, 0..60
                .jlt(Reg.R5, 20, "pass")
                .ldxb(Reg.R0, Reg.R2, 14 + 9)
                .jeq(Reg.R0, TCP, "ports")
                .jne(Reg.R0, UDP, "keyed")
                .label("ports")
                .mov64(Reg.R4, Reg.R2).add64(Reg.R4, 14).add64(Reg.R4, Reg.R5)
                .mov64(Reg.R0, Reg.R4).add64(Reg.R0, 4)
                .jgt(Reg.R0, Reg.R3, "keyed")
                .ldxh(Reg.R5, Reg.R4, 2)                                     // destination port
                .or64(Reg.R7, Reg.R5)
                .label("keyed");
    }

    /**
     * Counts every frame by {@link #key} in {@code counts} (hash, u32 key, value {@code {u64
     * packets; u64 bytes}}) and passes it.
     */
    public static Program counter(MapReference counts, Hook hook) {
        return parse(hook)
                .stxw(Reg.R10, -4, Reg.R7)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                .mapLookup(counts, Reg.R2)
                .jne(Reg.R0, 0, "add")
                // First frame of its kind: insert zeros (BPF_NOEXIST; a racing CPU may win), then look again.
                .stdw(Reg.R10, -24, 0).stdw(Reg.R10, -16, 0)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                .mov64(Reg.R3, Reg.R10).add64(Reg.R3, -24)
                .mapUpdate(counts, Reg.R2, Reg.R3, 1)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                .mapLookup(counts, Reg.R2)
                .jeq(Reg.R0, 0, "pass")
                .label("add")
                .mov64(Reg.R1, 1).atomicAdd64(Reg.R0, 0, Reg.R1)
                .atomicAdd64(Reg.R0, 8, Reg.R8)
                .label("pass").mov64(Reg.R0, hook.pass).exit()
                .build();
    }

    /**
     * Drops every frame whose {@link #key} is in {@code rules} (hash, u32 key, u64 value: the
     * number of frames it dropped, counted here) and passes the rest.
     */
    public static Program firewall(MapReference rules, Hook hook) {
        return parse(hook)
                .stxw(Reg.R10, -4, Reg.R7)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                .mapLookup(rules, Reg.R2)
                .jeq(Reg.R0, 0, "pass")
                .mov64(Reg.R1, 1).atomicAdd64(Reg.R0, 0, Reg.R1)
                .mov64(Reg.R0, hook.drop).exit()
                .label("pass").mov64(Reg.R0, hook.pass).exit()
                .build();
    }
}
