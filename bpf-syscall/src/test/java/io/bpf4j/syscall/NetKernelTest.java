package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.asU64;
import static io.bpf4j.syscall.KernelFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.testing.KernelTest;
import io.bpf4j.syscall.testing.VethWorld;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * XDP, tcx and cgroup programs attached for real, with real traffic: every test builds its own
 * pair of network namespaces joined by a veth pair ({@link VethWorld}, link-local addresses
 * 169.254.77.1 and .2) and its own cgroup, sends UDP from one side to the other, and checks what
 * the program counted and dropped and that closing the link restores the traffic.
 */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
@KernelTest
class NetKernelTest {
    static final int XDP_DROP = 1, XDP_PASS = 2, TC_ACT_OK = 0, TC_ACT_SHOT = 2;
    private static final int PACKETS = 20;

    /**
     * Counts UDP/IPv4 datagrams to {@code port} in {@code counts[0]} and answers {@code match} for
     * them, {@code other} for everything else. {@code dataOff}/{@code endOff}: where the context
     * keeps the packet pointers (xdp_md 0/4, __sk_buff 76/80); {@code ethernet}: the packet starts
     * with an Ethernet header (XDP, TC) rather than the IP header (cgroup skb).
     */
    static Program udpPortCounter(MapReference counts, int port, int dataOff, int endOff, boolean ethernet, int match,
                                  int other) {
        int ip = ethernet ? 14 : 0;
        short portBe = Short.reverseBytes((short) port);
        var b = Program.builder()
                .ldxw(Reg.R2, Reg.R1, dataOff)
                .ldxw(Reg.R3, Reg.R1, endOff)
                .mov64(Reg.R4, Reg.R2).add64(Reg.R4, ip + 28)
                .jgt(Reg.R4, Reg.R3, "other");
        if (ethernet) {
            b.ldxh(Reg.R5, Reg.R2, 12).jne(Reg.R5, 0x0008, "other");       // ETH_P_IP, big endian
        }
        b.ldxb(Reg.R5, Reg.R2, ip).jne(Reg.R5, 0x45, "other")                // IPv4, 20-byte header
                .ldxb(Reg.R5, Reg.R2, ip + 9).jne(Reg.R5, 17, "other")       // UDP
                .ldxh(Reg.R5, Reg.R2, ip + 22).jne(Reg.R5, portBe & 0xffff, "other")
                .stw(Reg.R10, -4, 0)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -4)
                .mapLookup(counts, Reg.R2)
                .jeq(Reg.R0, 0, "match")
                .mov64(Reg.R1, 1).atomicAdd64(Reg.R0, 0, Reg.R1)
                .label("match").mov64(Reg.R0, match).exit()
                .label("other").mov64(Reg.R0, other).exit();
        return b.build();
    }

    private static long count(BpfMap counts) {
        return asU64(counts.lookup(u32(0)).orElseThrow());
    }

    // ---- XDP ---------------------------------------------------------------------------------

    @Test
    void xdpCountsAndDropsUdpToOnePortAndTrafficFlowsAgainOnceDetached() throws Exception {
        int port = 40001;
        try (VethWorld w = VethWorld.create("xdp");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("xdp_drop", udpPortCounter(counts, port, 0, 4, true,
                    XDP_DROP, XDP_PASS), at).license("GPL").maps(counts))) {
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 500), "before attaching, everything arrives");
                try (BpfLink link = w.inB(() -> prog.attach(at))) {
                    assertTrue(link instanceof XdpLink && link.isBpfLink() && link.info().linkId() > 0, link.info().toString());
                    assertEquals(0, w.sendUdp(PACKETS, port, 500), "the program drops every datagram to the port");
                    assertEquals(PACKETS, count(counts));
                    assertEquals(PACKETS, w.sendUdp(PACKETS, port + 1, 1000), "another port passes");
                    assertEquals(PACKETS, count(counts));
                }
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000), "detached: everything arrives again");
                assertEquals(PACKETS, count(counts));
            }
        }
    }

    @Test
    void xdpInGenericModeCountsToo() throws Exception {
        int port = 40011;
        try (VethWorld w = VethWorld.create("xdpg");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("xdp_count", udpPortCounter(counts, port, 0, 4, true,
                    XDP_PASS, XDP_PASS), at).license("GPL").maps(counts));
                 BpfLink link = w.inB(() -> prog.attach(at, XdpLink.Options.GENERIC))) {
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000));
                assertEquals(PACKETS, count(counts));
                assertTrue(link.info().attachedTo().contains("mode GENERIC"), link.info().attachedTo());
            }
        }
    }

    @Test
    void aSecondXdpProgramOnTheInterfaceIsRefusedNamingTheFirst() throws Exception {
        try (VethWorld w = VethWorld.create("busy")) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            Program pass = Program.builder().mov64(Reg.R0, XDP_PASS).exit().build();
            try (BpfProgram first = BpfProgram.load(ProgramSpec.of("holder_prog", pass, at).license("GPL"));
                 BpfProgram second = BpfProgram.load(ProgramSpec.of("second", pass, at).license("GPL"));
                 BpfLink held = w.inB(() -> first.attach(at))) {
                BpfException e = assertThrows(BpfException.class, () -> w.inB(() -> second.attach(at)));
                assertEquals(Errno.EBUSY, e.errno(), e.getMessage());
                assertTrue(e.getMessage().contains("another XDP program holds " + w.ifaceB() + ": program 'holder_prog' (id "
                        + xdpProgramId(w) + ") in driver (native) mode, attached through BPF link " + held.info().linkId()),
                        e.getMessage());
            }
        }
    }

    /**
     * An interface held by program 'holder' in {@code mode}, through netlink or a BPF link: a
     * second program attached through a link and through netlink, in the same mode and the other,
     * is refused with an error naming the holder's name and id (as {@code ip link show} reports
     * it), its mode, how it is attached and the command that detaches it.
     */
    private static void busyInterfaceNamesItsHolder(XdpLink.Mode mode, boolean holderThroughNetlink) throws Exception {
        XdpLink.Mode other = mode == XdpLink.Mode.GENERIC ? XdpLink.Mode.DRIVER : XdpLink.Mode.GENERIC;
        String modeName = mode == XdpLink.Mode.GENERIC ? "generic (skb) mode" : "driver (native) mode";
        try (VethWorld w = VethWorld.create("hold")) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            Program pass = Program.builder().mov64(Reg.R0, XDP_PASS).exit().build();
            try (BpfProgram first = BpfProgram.load(ProgramSpec.of("holder", pass, at).license("GPL"));
                 BpfProgram second = BpfProgram.load(ProgramSpec.of("second", pass, at).license("GPL"));
                 BpfLink held = w.inB(() -> first.attach(at, holderThroughNetlink ? XdpLink.Options.netlink(mode)
                         : new XdpLink.Options(mode, false)))) {
                int id = xdpProgramId(w);
                String how = holderThroughNetlink ? "attached through netlink (IFLA_XDP)"
                        : "attached through BPF link " + held.info().linkId();
                String remedy = holderThroughNetlink ? "`ip link set dev " + w.ifaceB() + " "
                        + (mode == XdpLink.Mode.GENERIC ? "xdpgeneric" : "xdpdrv") + " off`"
                        : "`bpftool link detach id " + held.info().linkId() + "`";
                for (XdpLink.Options attempt : List.of(new XdpLink.Options(mode, false), XdpLink.Options.netlink(mode),
                        new XdpLink.Options(other, false), XdpLink.Options.netlink(other), XdpLink.Options.NONE)) {
                    BpfException e = assertThrows(BpfException.class, () -> w.inB(() -> second.attach(at, attempt)),
                            attempt.toString());
                    String m = e.getMessage();
                    assertTrue(e.errno() == Errno.EBUSY || e.errno() == Errno.EEXIST, m);
                    assertTrue(m.contains("another XDP program holds " + w.ifaceB() + ": program 'holder' (id " + id + ") in "
                            + modeName + ", " + how) && m.contains(remedy), attempt + ": " + m);
                    if (attempt.mode() == other) {
                        assertEquals(Errno.EEXIST, e.errno(), m);
                        assertTrue(m.contains("generic and driver mode cannot be active on one interface at once"), m);
                    }
                    assertEquals(id, xdpProgramId(w), "the holder stays");
                }
                // The advised command frees the interface (and the holder's link then closes without complaint).
                if (holderThroughNetlink) {
                    ip(w.namespaceB(), "link", "set", "dev", w.ifaceB(), mode == XdpLink.Mode.GENERIC ? "xdpgeneric" : "xdpdrv",
                            "off");
                    assertEquals(-1, xdpProgramId(w), "removed by the advised ip command");
                } else if (onPath("bpftool")) {
                    String out = run("bpftool", "link", "detach", "id", Integer.toString(held.info().linkId()));
                    assertEquals(-1, xdpProgramId(w), "detached by the advised bpftool command: " + out);
                }
            }
            assertEquals(-1, xdpProgramId(w), "closed: nothing left on the interface");
        }
    }

    static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    /** Runs {@code command} (in this thread's namespaces); returns its output, failing on a non-zero exit. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** The id of the XDP program on B's veth end as {@code ip link show} reports it, or -1. */
    private static int xdpProgramId(VethWorld w) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("prog/xdp id (\\d+)")
                .matcher(ip(w.namespaceB(), "link", "show", "dev", w.ifaceB()));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void aProgramAttachedThroughNetlinkInGenericModeIsNamedByEveryLaterAttach() throws Exception {
        busyInterfaceNamesItsHolder(XdpLink.Mode.GENERIC, true);
    }

    @Test
    void aProgramAttachedThroughNetlinkInDriverModeIsNamedByEveryLaterAttach() throws Exception {
        busyInterfaceNamesItsHolder(XdpLink.Mode.DRIVER, true);
    }

    @Test
    void aProgramAttachedThroughALinkInGenericModeIsNamedByEveryLaterAttach() throws Exception {
        busyInterfaceNamesItsHolder(XdpLink.Mode.GENERIC, false);
    }

    @Test
    void aProgramAttachedThroughALinkInDriverModeIsNamedByEveryLaterAttach() throws Exception {
        busyInterfaceNamesItsHolder(XdpLink.Mode.DRIVER, false);
    }

    @Test
    void xdpReplaceSwapsTheProgramOnTheInterface() throws Exception {
        int port = 40021;
        try (VethWorld w = VethWorld.create("repl");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            try (BpfProgram pass = BpfProgram.load(ProgramSpec.of("pass", udpPortCounter(counts, port, 0, 4, true,
                    XDP_PASS, XDP_PASS), at).license("GPL").maps(counts));
                 BpfProgram drop = BpfProgram.load(ProgramSpec.of("drop", udpPortCounter(counts, port, 0, 4, true,
                         XDP_DROP, XDP_PASS), at).license("GPL").maps(counts));
                 XdpLink link = (XdpLink) w.inB(() -> pass.attach(at))) {
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000));
                link.replace(drop);
                assertEquals(0, w.sendUdp(PACKETS, port, 500));
                assertEquals(2 * PACKETS, count(counts));
            }
        }
    }

    @Test
    void xdpOnAnInterfaceOfAnotherNamespaceIsNotFound() throws Exception {
        try (VethWorld w = VethWorld.create("nons")) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("pass", Program.builder().mov64(Reg.R0, XDP_PASS).exit()
                    .build(), at).license("GPL"))) {
                // This thread is in the host's namespace, where the veth end does not exist.
                BpfException e = assertThrows(BpfException.class, () -> prog.attach(at));
                assertEquals(Errno.ENODEV, e.errno());
            }
        }
    }

    @Test
    void xdpThroughNetlinkDropsAndIsRemovedOnClose() throws Exception {
        int port = 40071;
        try (VethWorld w = VethWorld.create("xdpnl");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("xdp_nl", udpPortCounter(counts, port, 0, 4, true,
                    XDP_DROP, XDP_PASS), at).license("GPL").maps(counts))) {
                try (BpfLink link = w.inB(() -> prog.attach(at, XdpLink.Options.netlink(XdpLink.Mode.GENERIC)))) {
                    assertTrue(!link.isBpfLink() && link.info().attachedTo().endsWith("netlink)"), link.info().attachedTo());
                    assertTrue(ip(w.namespaceB(), "link", "show", "dev", w.ifaceB()).contains("xdpgeneric"));
                    assertEquals(0, w.sendUdp(PACKETS, port, 500));
                    assertEquals(PACKETS, count(counts));
                }
                String after = ip(w.namespaceB(), "link", "show", "dev", w.ifaceB());
                assertTrue(!after.contains("xdpgeneric"), "removed on close: " + after);
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000));
            }
        }
    }

    /** {@code ip -n NS ARGS...}'s output (the test's own namespaces only). */
    static String ip(String namespace, String... args) throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("ip", "-n", namespace));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    // ---- TC ----------------------------------------------------------------------------------

    @Test
    void tcxIngressDropsUdpToOnePortWhereTheKernelHasTcx() throws Exception {
        int port = 40031;
        try (VethWorld w = VethWorld.create("tcx");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.tcIngress(w.ifaceB());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("tc_drop", udpPortCounter(counts, port, 76, 80, true,
                    TC_ACT_SHOT, TC_ACT_OK), at).license("GPL").maps(counts))) {
                BpfLink link;
                try {
                    link = w.inB(() -> prog.attach(at));
                } catch (BpfException e) {
                    // Feature probe: kernels before 6.6 have no tcx; the error must say so.
                    assertTrue(!VethWorld.kernelHasTcx(), "tcx refused by a kernel whose BTF has BPF_TCX_INGRESS: " + e.getMessage());
                    assertTrue(e.getMessage().contains("no tcx links (Linux 6.6+"), e.getMessage());
                    return;
                }
                try (link) {
                    assertEquals(0, w.sendUdp(PACKETS, port, 500));
                    assertEquals(PACKETS, count(counts));
                    assertEquals(PACKETS, w.sendUdp(PACKETS, port + 1, 1000));
                }
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000), "detached");
            }
        }
    }

    @Test
    void aClsactFilterDropsAndTakesItsQdiscAwayOnClose() throws Exception {
        int port = 40081;
        try (VethWorld w = VethWorld.create("cls");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.tcIngress(w.ifaceB());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("cls_drop", udpPortCounter(counts, port, 76, 80, true,
                    TC_ACT_SHOT, TC_ACT_OK), at).license("GPL").maps(counts))) {
                try (BpfLink link = w.inB(() -> prog.attach(at, TcLink.Options.clsact(7, 3)))) {
                    assertTrue(!link.isBpfLink(), link.info().attachedTo());
                    assertTrue(qdiscs(w).contains("clsact"), qdiscs(w));
                    assertEquals(0, w.sendUdp(PACKETS, port, 500));
                    assertEquals(PACKETS, count(counts));
                    assertEquals(PACKETS, w.sendUdp(PACKETS, port + 1, 1000));
                }
                // Closed from this (host namespace) thread: the link detached through the socket of B it kept.
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000), "detached");
                assertTrue(!qdiscs(w).contains("clsact"), qdiscs(w));
            }
        }
    }

    @Test
    void aTakenClsactSlotNamesTheFilterHoldingItAndTheAdvisedTcCommandFreesIt() throws Exception {
        try (VethWorld w = VethWorld.create("clsbusy")) {
            AttachPoint at = AttachPoint.tcIngress(w.ifaceB());
            Program ok = Program.builder().mov64(Reg.R0, TC_ACT_OK).exit().build();
            try (BpfProgram holder = BpfProgram.load(ProgramSpec.of("cls_holder", ok, at).license("GPL"));
                 BpfProgram second = BpfProgram.load(ProgramSpec.of("second", ok, at).license("GPL"));
                 BpfLink held = w.inB(() -> holder.attach(at, TcLink.Options.clsact(5, 7)))) {
                String shown = filters(w);
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("cls_holder.* id (\\d+)").matcher(shown);
                assertTrue(id.find(), shown);
                BpfException e = assertThrows(BpfException.class, () -> w.inB(() -> second.attach(at,
                        TcLink.Options.clsact(5, 7))));
                assertEquals(Errno.EEXIST, e.errno(), e.getMessage());
                String command = "tc filter del dev " + w.ifaceB() + " ingress pref 5 handle 0x7 bpf";
                assertTrue(e.getMessage().contains("a filter with priority 5 and handle 0x7 is already on " + w.ifaceB()
                        + " ingress: the bpf filter of program 'cls_holder' (id " + id.group(1) + ")")
                        && e.getMessage().contains("`" + command + "`"), e.getMessage());
                w.inB(() -> run(command.split(" ")));
                assertTrue(!filters(w).contains("cls_holder"), "removed by the advised command: " + filters(w));
                try (BpfLink mine = w.inB(() -> second.attach(at, TcLink.Options.clsact(5, 7)))) {
                    assertTrue(filters(w).contains("second"), filters(w));
                }
                assertTrue(!filters(w).contains("second"), filters(w));
                held.close();   // its filter is gone: nothing else is touched, and the qdisc it added goes
            }
            assertTrue(!qdiscs(w).contains("clsact"), qdiscs(w));
        }
    }

    @Test
    void theSameProgramTwiceOnATcHookNamesWhatAlreadyRunsIt() throws Exception {
        try (VethWorld w = VethWorld.create("tctwice")) {
            AttachPoint at = AttachPoint.tcIngress(w.ifaceB());
            Program ok = Program.builder().mov64(Reg.R0, TC_ACT_OK).exit().build();
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("tc_twice", ok, at).license("GPL"));
                 BpfLink first = w.inB(() -> prog.attach(at))) {
                // Probed, not assumed: a tcx link where the kernel has tcx, else a clsact filter at priority 1, handle 1.
                BpfException e = assertThrows(BpfException.class, () -> w.inB(() -> prog.attach(at)));
                assertEquals(Errno.EEXIST, e.errno(), e.getMessage());
                String program = "program 'tc_twice' (id " + Holders.programId(Kernel.system(), prog.fd()) + ")";
                assertTrue(e.getMessage().contains(first.isBpfLink()
                        ? program + " is on this hook already through BPF link " + first.info().linkId()
                        : "a filter with priority 1 and handle 0x1 is already on " + w.ifaceB() + " ingress: the bpf filter of "
                        + program), first.info().attachedTo() + ": " + e.getMessage());
            }
        }
    }

    private static String filters(VethWorld w) throws Exception {
        return w.inB(() -> run("tc", "filter", "show", "dev", w.ifaceB(), "ingress"));
    }

    private static String qdiscs(VethWorld w) throws Exception {
        return w.inB(() -> {
            Process p = new ProcessBuilder("tc", "qdisc", "show", "dev", w.ifaceB()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        });
    }

    @Test
    void tcxEgressSeesWhatLeavesTheInterface() throws Exception {
        int port = 40041;
        try (VethWorld w = VethWorld.create("tcxe");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.tcEgress(w.ifaceA());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("tc_count", udpPortCounter(counts, port, 76, 80, true,
                    TC_ACT_OK, TC_ACT_OK), at).license("GPL").maps(counts))) {
                BpfLink link;
                try {
                    link = w.inA(() -> prog.attach(at, TcLink.Options.FIRST));
                } catch (BpfException e) {
                    assertTrue(!VethWorld.kernelHasTcx(), "tcx refused by a kernel whose BTF has BPF_TCX_INGRESS: " + e.getMessage());
                    return;
                }
                try (link) {
                    assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000));
                    assertEquals(PACKETS, count(counts));
                }
            }
        }
    }


    // ---- cgroup ------------------------------------------------------------------------------

    /** A cgroup v2 child of the first cgroup2 mount, removed by close() (after its processes ended). */
    static final class TestCgroup implements AutoCloseable {
        final Path dir;

        TestCgroup(String tag) throws IOException {
            Path root = cgroup2Root();
            dir = root.resolve("bpf4j-" + tag + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            Files.createDirectory(dir);
        }

        static Path cgroup2Root() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
            throw new IOException("no cgroup2 mount in /proc/self/mounts (mount -t cgroup2 none /sys/fs/cgroup)");
        }

        /** Runs {@code script} with bash as a process inside this cgroup; returns its output. */
        String run(String script) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("bash", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && exec bash -c '"
                    + script.replace("'", "'\\''") + "'").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the cgroup's process ended");
            return out;
        }

        /** Runs {@code script} in the bash process that moved itself into this cgroup (no exec on the way in). */
        String runInside(String script) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("bash", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && " + script)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the cgroup's process ended");
            return out;
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void cgroupSockCreateRefusesSocketsOfTheCgroupsProcessesOnly() throws Exception {
        Program refuse = Program.builder().mov64(Reg.R0, 0).exit().build();
        try (VethWorld w = VethWorld.create("sock"); TestCgroup cg = new TestCgroup("sock")) {
            String socket = "exec ip netns exec " + w.namespaceA() + " bash -c 'exec 3<>/dev/udp/" + VethWorld.ADDRESS_B
                    + "/9 && echo created'";
            assertTrue(cg.run(socket).contains("created"), "before attaching, the cgroup's process creates its socket");
            AttachPoint at = AttachPoint.cgroupSockCreate(cg.dir.toString());
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("nosock", refuse, at).license("GPL"))) {
                try (BpfLink link = prog.attach(at)) {
                    assertTrue(link.isBpfLink());
                    String out = cg.run(socket);
                    assertTrue(out.contains("Operation not permitted") && !out.contains("created"), out);
                    // A process outside the cgroup is not affected.
                    assertEquals(PACKETS, w.sendUdp(PACKETS, 40051, 1000));
                }
                assertTrue(cg.run(socket).contains("created"), "detached");
                try (BpfLink legacy = prog.attach(at, CgroupLink.Options.MULTI)) {
                    assertTrue(!legacy.isBpfLink() && cg.run(socket).contains("Operation not permitted"));
                }
                assertTrue(cg.run(socket).contains("created"), "the legacy attachment is detached on close");
            }
        }
    }

    @Test
    void cgroupEgressCountsPacketsOfTheCgroupsProcesses() throws Exception {
        int port = 40061;
        try (VethWorld w = VethWorld.create("cgskb"); TestCgroup cg = new TestCgroup("skb");
             BpfMap counts = BpfMap.create(MapSpec.array("counts", 8, 1))) {
            AttachPoint at = AttachPoint.cgroupEgress(cg.dir.toString());
            // __sk_buff data/data_end at 76/80; a cgroup skb packet starts at the IP header; 1 = pass.
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("cg_count", udpPortCounter(counts, port, 76, 80, false,
                    1, 1), at).license("GPL").maps(counts));
                 BpfLink link = prog.attach(at)) {
                String send = "exec ip netns exec " + w.namespaceA() + " bash -c 'for i in $(seq " + PACKETS
                        + "); do echo x > /dev/udp/" + VethWorld.ADDRESS_B + "/" + port + "; done; echo sent'";
                assertTrue(cg.run(send).contains("sent"));
                assertEquals(PACKETS, count(counts));
                // The same traffic from a process outside the cgroup is not counted.
                assertEquals(PACKETS, w.sendUdp(PACKETS, port, 1000));
                assertEquals(PACKETS, count(counts));
            }
        }
    }
}
