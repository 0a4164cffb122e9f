package io.bpf4j.compiler;

import java.util.function.ToIntFunction;

/**
 * The context of an XDP program: the packet. Reads are in network byte order; before each read the
 * compiler emits the {@code data + n <= data_end} check the verifier wants, and a read past the end
 * of the packet ends the program with {@link #XDP_PASS}. On the JVM, {@link #run} does the same.
 *
 * <pre>{@code
 * static int filter(XdpContext ctx) {
 *     if (ctx.u16(12) != 0x0800) {         // EtherType: IPv4 only
 *         return XdpContext.XDP_PASS;
 *     }
 *     return ctx.u8(23) == 17 ? XdpContext.XDP_DROP : XdpContext.XDP_PASS;   // drop UDP
 * }
 * XdpContext.run(MyFilter::filter, packet);   // the same on the JVM
 * }</pre>
 */
public final class XdpContext {
    /** Error: drop, counted as an exception. */
    public static final int XDP_ABORTED = 0;
    /** Drop the packet. */
    public static final int XDP_DROP = 1;
    /** Let the packet through to the network stack. */
    public static final int XDP_PASS = 2;
    /** Send the packet back out of the interface it came in on. */
    public static final int XDP_TX = 3;

    private final byte[] packet;

    private XdpContext(byte[] packet) {
        this.packet = packet.clone();
    }

    /** Runs {@code program} on the JVM over {@code packet}, as the compiled program would run. */
    public static int run(ToIntFunction<XdpContext> program, byte[] packet) {
        try {
            return program.applyAsInt(new XdpContext(packet));
        } catch (PastTheEnd e) {
            return XDP_PASS;
        }
    }

    /**
     * True if the packet has at least {@code bytes} bytes: compiled as one {@code data + bytes <= data_end}
     * check, after which reads below that length need no check of their own.
     * {@code if (!ctx.has(34)) return XDP_PASS;}
     */
    public boolean has(int bytes) {
        return packet.length >= bytes;
    }

    /** Bytes in the packet (JVM only: use {@link #has} in programs). */
    public int length() {
        return packet.length;
    }

    /** The byte at {@code offset}, unsigned. */
    public int u8(int offset) {
        check(offset, 1);
        return packet[offset] & 0xff;
    }

    /** The big-endian 16-bit value at {@code offset}, unsigned. */
    public int u16(int offset) {
        check(offset, 2);
        return (packet[offset] & 0xff) << 8 | packet[offset + 1] & 0xff;
    }

    /** The big-endian 32-bit value at {@code offset}. */
    public int u32(int offset) {
        check(offset, 4);
        return (packet[offset] & 0xff) << 24 | (packet[offset + 1] & 0xff) << 16
                | (packet[offset + 2] & 0xff) << 8 | packet[offset + 3] & 0xff;
    }

    private void check(int offset, int size) {
        if (offset < 0 || (long) offset + size > packet.length) {
            throw new PastTheEnd();
        }
    }

    /** A read past the end of the packet: ends the program with XDP_PASS (in {@link #run}). */
    static final class PastTheEnd extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PastTheEnd() {
            super("read past the end of the packet", null, false, false);
        }
    }
}
