package io.bpf4j.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few rtnetlink requests bpf4j makes, over an {@code AF_NETLINK} socket through the
 * {@link Kernel} seam (no {@code ip} or {@code tc} binaries): a {@code clsact} qdisc and a
 * {@code bpf} filter in direct-action mode on it (TC before tcx), and {@code IFLA_XDP} on an
 * interface (XDP before BPF links). Each request asks for an ACK and turns a negative one into
 * a {@link BpfException} with the errno. A socket belongs to the network namespace of the thread
 * that opened it, so a link keeps the socket it attached through and detaches through it, from
 * whatever thread closes it.
 *
 * <p>Layouts from {@code include/uapi/linux/netlink.h}, {@code rtnetlink.h}, {@code pkt_sched.h},
 * {@code pkt_cls.h} and {@code if_link.h} (Linux 6.1):
 * <pre>
 * nlmsghdr  len u32 | type u16 | flags u16 | seq u32 | pid u32          (16 bytes)
 * tcmsg     family u8 | pad u8 | pad u16 | ifindex s32 | handle u32 | parent u32 | info u32   (20)
 * ifinfomsg family u8 | pad u8 | type u16 | index s32 | flags u32 | change u32                  (16)
 * nlattr    len u16 | type u16 | payload, padded to 4
 * </pre>
 */
final class Rtnetlink implements AutoCloseable {
    static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
    static final int NLMSG_ERROR = 2, NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 1, NLM_F_MULTI = 2, NLM_F_ACK = 4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400,
            NLM_F_DUMP = 0x300;
    static final int RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_SETLINK = 19, RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_NEWTFILTER = 44, RTM_DELTFILTER = 45,
            RTM_GETTFILTER = 46;
    static final int TCA_KIND = 1, TCA_OPTIONS = 2;
    static final int TCA_BPF_FD = 6, TCA_BPF_NAME = 7, TCA_BPF_FLAGS = 8, TCA_BPF_FLAG_ACT_DIRECT = 1;
    static final int IFLA_XDP = 43, IFLA_XDP_FD = 1, IFLA_XDP_FLAGS = 3, IFLA_XDP_EXPECTED_FD = 8;
    /** In an {@code RTM_NEWLINK} answer's {@code IFLA_XDP}: the program id per mode ({@code rtnl_xdp_fill}). */
    static final int IFLA_XDP_DRV_PROG_ID = 5, IFLA_XDP_SKB_PROG_ID = 6, IFLA_XDP_HW_PROG_ID = 7;
    /** {@code TCA_BPF_ID}: in a dumped bpf filter's options, its program's id. */
    static final int TCA_BPF_ID = 11;
    static final int NLA_F_NESTED = 0x8000;
    /** {@code TC_H_CLSACT} (= {@code TC_H_INGRESS}), the clsact qdisc's parent; its handle is {@code ffff:}. */
    static final int TC_H_CLSACT = 0xFFFFFFF1, CLSACT_HANDLE = 0xFFFF0000;
    /** The clsact qdisc's ingress and egress classes ({@code TC_H_MIN_INGRESS}, {@code TC_H_MIN_EGRESS}). */
    static final int CLSACT_INGRESS = 0xFFFFFFF2, CLSACT_EGRESS = 0xFFFFFFF3;
    /** {@code htons(ETH_P_ALL)}. */
    static final int ETH_P_ALL_BE = 0x0300;

    private static final int HDR = 16;
    private static int seq = (int) (System.nanoTime() & 0x7fffffff);

    private final Kernel kernel;
    private final int fd;
    private boolean closed;

    private Rtnetlink(Kernel kernel, int fd) {
        this.kernel = kernel;
        this.fd = fd;
    }

    /** Opens a route netlink socket in the calling thread's network namespace. */
    static Rtnetlink open(Kernel kernel) {
        int fd = kernel.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        try {
            ByteBuffer addr = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
            addr.putShort(0, (short) AF_NETLINK);
            kernel.bind(fd, addr);
            return new Rtnetlink(kernel, fd);
        } catch (RuntimeException e) {
            kernel.close(fd);
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            kernel.close(fd);
        }
    }

    /** A request being written. */
    static final class Message {
        final ByteBuffer b = ByteBuffer.allocateDirect(1024).order(ByteOrder.nativeOrder());
        final int type;
        private final int[] nestStart = new int[4];
        private int depth;

        Message(int type, int flags) {
            this.type = type;
            b.putInt(0).putShort((short) type).putShort((short) (flags | NLM_F_REQUEST)).putInt(0).putInt(0);
        }

        Message tcmsg(int ifindex, int handle, int parent, int info) {
            b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(handle).putInt(parent).putInt(info);
            return this;
        }

        Message ifinfomsg(int ifindex) {
            b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(0).putInt(0);
            return this;
        }

        Message string(int type, String s) {
            byte[] bytes = (s + "\0").getBytes(StandardCharsets.US_ASCII);
            b.putShort((short) (4 + bytes.length)).putShort((short) type).put(bytes);
            pad();
            return this;
        }

        Message u32(int type, int v) {
            b.putShort((short) 8).putShort((short) type).putInt(v);
            return this;
        }

        Message nest(int type) {
            nestStart[depth++] = b.position();
            b.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
            return this;
        }

        Message end() {
            int start = nestStart[--depth];
            b.putShort(start, (short) (b.position() - start));
            return this;
        }

        private void pad() {
            while ((b.position() & 3) != 0) {
                b.put((byte) 0);
            }
        }

        ByteBuffer finish(int sequence) {
            b.putInt(0, b.position());
            b.putInt(8, sequence);
            ByteBuffer out = b.duplicate().order(ByteOrder.nativeOrder());
            out.flip();
            return out;
        }
    }

    /** Sends {@code m} and waits for its ACK; throws with the errno of a negative one. */
    void request(Message m, String what) {
        exchange(m, what, null);
    }

    /** Sends the dump request {@code m}; returns the number of messages of the dump (before NLMSG_DONE). */
    int dumpCount(Message m, String what) {
        return exchange(m, what, null);
    }

    /** Sends {@code m} (a get or a dump) and returns each answer message, header included, until the ACK or NLMSG_DONE. */
    List<ByteBuffer> answers(Message m, String what) {
        List<ByteBuffer> out = new ArrayList<>();
        exchange(m, what, out);
        return out;
    }

    private static synchronized int nextSeq() {
        return ++seq;
    }

    private synchronized int exchange(Message m, String what, List<ByteBuffer> keep) {
        if (closed) {
            throw new IllegalStateException("netlink socket closed");
        }
        int sequence = nextSeq();
        kernel.send(fd, m.finish(sequence));
        ByteBuffer in = ByteBuffer.allocateDirect(32 * 1024).order(ByteOrder.nativeOrder());
        int messages = 0;
        while (true) {
            in.clear();
            int n = kernel.recv(fd, in);
            if (n <= 0) {
                throw new BpfException(what, Errno.EIO, "netlink socket closed before the answer");
            }
            int p = 0;
            while (p + HDR <= n) {
                int len = in.getInt(p);
                int type = in.getShort(p + 4) & 0xffff;
                int msgSeq = in.getInt(p + 8);
                if (len < HDR || p + len > n) {
                    throw new BpfException(what, Errno.EIO, "malformed netlink answer (length " + len + ")");
                }
                if (msgSeq == sequence) {
                    if (type == NLMSG_ERROR) {
                        int error = in.getInt(p + HDR);
                        if (error != 0) {
                            throw new BpfException(what, Errno.of(-error), null);
                        }
                        return messages;
                    }
                    if (type == NLMSG_DONE) {
                        return messages;
                    }
                    messages++;
                    if (keep != null) {
                        ByteBuffer copy = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
                        copy.put(0, in, p, len);
                        keep.add(copy);
                    }
                }
                p += (len + 3) & ~3;
            }
        }
    }

    // ---- TC: clsact qdisc and bpf filter ------------------------------------------------------

    /** Adds a clsact qdisc to {@code ifindex}; false if one was there already. */
    boolean addClsact(int ifindex, String what) {
        try {
            request(new Message(RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                    .tcmsg(ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0).string(TCA_KIND, "clsact"), what);
            return true;
        } catch (BpfException e) {
            if (e.errno() == Errno.EEXIST) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes the clsact qdisc of {@code ifindex} (and any filter still on it). */
    void deleteClsact(int ifindex, String what) {
        request(new Message(RTM_DELQDISC, NLM_F_ACK).tcmsg(ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0)
                .string(TCA_KIND, "clsact"), what);
    }

    /** Adds a direct-action bpf filter running {@code progFd} at {@code priority}/{@code handle}. */
    void addBpfFilter(int ifindex, boolean egress, int priority, int handle, int progFd, String name,
                             String what) {
        request(new Message(RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .tcmsg(ifindex, handle, egress ? CLSACT_EGRESS : CLSACT_INGRESS, priority << 16 | ETH_P_ALL_BE)
                .string(TCA_KIND, "bpf")
                .nest(TCA_OPTIONS).u32(TCA_BPF_FD, progFd).string(TCA_BPF_NAME, name)
                .u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT).end(), what);
    }

    /** Deletes the bpf filter at {@code priority}/{@code handle}. */
    void deleteFilter(int ifindex, boolean egress, int priority, int handle, String what) {
        request(new Message(RTM_DELTFILTER, NLM_F_ACK)
                .tcmsg(ifindex, handle, egress ? CLSACT_EGRESS : CLSACT_INGRESS, priority << 16 | ETH_P_ALL_BE)
                .string(TCA_KIND, "bpf"), what);
    }

    /** The number of filters on the ingress or egress side of {@code ifindex}'s clsact qdisc. */
    int filterCount(int ifindex, boolean egress, String what) {
        return dumpCount(new Message(RTM_GETTFILTER, NLM_F_DUMP)
                .tcmsg(ifindex, 0, egress ? CLSACT_EGRESS : CLSACT_INGRESS, 0), what);
    }

    // ---- XDP through IFLA_XDP -----------------------------------------------------------------

    /**
     * Sets (or with {@code progFd} -1 removes) the XDP program of {@code ifindex}.
     *
     * @param flags {@code XDP_FLAGS_*}: mode bits, {@code XDP_FLAGS_UPDATE_IF_NOEXIST} (1), {@code XDP_FLAGS_REPLACE} (16)
     * @param expectedFd with {@code XDP_FLAGS_REPLACE}: only replace this program
     */
    void setXdp(int ifindex, int progFd, int flags, int expectedFd, String what) {
        Message m = new Message(RTM_SETLINK, NLM_F_ACK).ifinfomsg(ifindex)
                .nest(IFLA_XDP).u32(IFLA_XDP_FD, progFd).u32(IFLA_XDP_FLAGS, flags);
        if ((flags & 16) != 0) {
            m.u32(IFLA_XDP_EXPECTED_FD, expectedFd);
        }
        request(m.end(), what);
    }

    /**
     * The ids of the XDP programs on {@code ifindex}, per mode, from an {@code RTM_GETLINK} answer's
     * {@code IFLA_XDP} ({@code IFLA_XDP_SKB_PROG_ID}, {@code IFLA_XDP_DRV_PROG_ID},
     * {@code IFLA_XDP_HW_PROG_ID}; 0 where the mode holds none). A program attached through a BPF
     * link is reported the same way as one set through {@code IFLA_XDP}.
     */
    XdpPrograms xdpPrograms(int ifindex, String what) {
        int skb = 0, drv = 0, hw = 0;
        for (ByteBuffer a : answers(new Message(RTM_GETLINK, NLM_F_ACK).ifinfomsg(ifindex), what)) {
            if (a.limit() < HDR + 16 || (a.getShort(4) & 0xffff) != RTM_NEWLINK || a.getInt(HDR + 4) != ifindex) {
                continue;
            }
            ByteBuffer xdp = attribute(a, HDR + 16, a.limit(), IFLA_XDP);
            if (xdp == null) {
                continue;
            }
            skb = u32(xdp, IFLA_XDP_SKB_PROG_ID);
            drv = u32(xdp, IFLA_XDP_DRV_PROG_ID);
            hw = u32(xdp, IFLA_XDP_HW_PROG_ID);
        }
        return new XdpPrograms(skb, drv, hw);
    }

    /** The XDP program ids of one interface per mode (0: none). */
    record XdpPrograms(int skb, int drv, int hw) {
    }

    /**
     * The bpf filter at {@code priority}/{@code handle} on a side of {@code ifindex}'s clsact qdisc
     * (from an {@code RTM_GETTFILTER} dump): its program's id and the name it was given, or null if
     * there is none.
     */
    TcFilter bpfFilter(int ifindex, boolean egress, int priority, int handle, String what) {
        for (ByteBuffer a : answers(new Message(RTM_GETTFILTER, NLM_F_DUMP)
                .tcmsg(ifindex, 0, egress ? CLSACT_EGRESS : CLSACT_INGRESS, 0), what)) {
            // tcmsg after the header: family, pad, ifindex at 4, handle at 8, parent at 12, info (prio << 16 | proto) at 16.
            if (a.limit() < HDR + 20 || a.getInt(HDR + 8) != handle || a.getInt(HDR + 16) >>> 16 != priority) {
                continue;
            }
            ByteBuffer options = attribute(a, HDR + 20, a.limit(), TCA_OPTIONS);
            if (options == null) {
                continue;
            }
            ByteBuffer name = attribute(options, 0, options.limit(), TCA_BPF_NAME);
            String text = null;
            if (name != null) {
                byte[] bytes = new byte[name.limit()];
                name.get(0, bytes);
                int n = 0;
                while (n < bytes.length && bytes[n] != 0) {
                    n++;
                }
                text = new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            return new TcFilter(u32(options, TCA_BPF_ID), text);
        }
        return null;
    }

    /** A bpf filter found on a clsact qdisc: its program's id (0 if not reported) and name (null if none). */
    record TcFilter(int programId, String name) {
    }

    /** The payload of the first attribute of {@code type} in {@code b}[from, to), as a buffer of its own, or null. */
    static ByteBuffer attribute(ByteBuffer b, int from, int to, int type) {
        int p = from;
        while (p + 4 <= to) {
            int len = b.getShort(p) & 0xffff;
            if (len < 4 || p + len > to) {
                return null;
            }
            if ((b.getShort(p + 2) & 0x3fff) == type) {
                return b.duplicate().position(p + 4).limit(p + len).slice().order(ByteOrder.nativeOrder());
            }
            p += (len + 3) & ~3;
        }
        return null;
    }

    /** The u32 attribute {@code type} among the attributes of {@code nest}, or 0 if absent. */
    static int u32(ByteBuffer nest, int type) {
        ByteBuffer v = attribute(nest, 0, nest.limit(), type);
        return v == null || v.limit() < 4 ? 0 : v.getInt(0);
    }
}
