package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.testing.FakeKernel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The attach and detach paths of the network, cgroup and trampoline families (XDP, tcx, cgroup
 * links and legacy attachments, fentry/fexit, LSM) against the fake kernel: which call each
 * makes with which target, type and flags, what each error says, and that every fd opened is
 * closed once.
 */
@SuppressWarnings("try") // links and programs held open for a try block's scope are what these tests exercise
class NetAttachFakeKernelTest {
    private static final Program RETURN_0 = Program.builder().mov64(Reg.R0, 0).exit().build();
    private static final String CGROUP = "/sys/fs/cgroup/unified/app";

    private final FakeKernel kernel = new FakeKernel();

    private BpfProgram load(String name, AttachPoint at) {
        return BpfProgram.load(kernel, ProgramSpec.of(name, RETURN_0, at).license("GPL"));
    }

    private List<String> calls(String prefix) {
        return kernel.calls().stream().filter(c -> c.startsWith(prefix)).collect(Collectors.toList());
    }

    // ---- XDP ---------------------------------------------------------------------------------

    @Test
    void xdpLinksTheInterfaceIndexWithTheModeFlagAndClosesOnce() {
        kernel.networkInterface("veth0", 7);
        AttachPoint at = AttachPoint.xdp("veth0");
        try (BpfProgram prog = load("count", at)) {
            assertEquals(ProgramType.XDP, prog.type());
            BpfLink link = prog.attach(at, XdpLink.Options.GENERIC);
            assertInstanceOf(XdpLink.class, link);
            assertEquals(List.of("BPF_LINK_CREATE prog=" + prog.fd() + " target=7 type=37 flags=2"), calls("BPF_LINK_CREATE"));
            assertEquals("xdp veth0 (ifindex 7, mode GENERIC)", link.info().attachedTo());
            assertEquals(link.fd(), link.info().linkId());
            assertTrue(link.isBpfLink());
            link.close();
            link.close();
            assertTrue(link.isClosed());
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void xdpOnAMissingInterfaceSaysSoBeforeAnyLink() {
        try (BpfProgram prog = load("count", AttachPoint.xdp("nosuch0"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(AttachPoint.xdp("nosuch0")));
            assertEquals(Errno.ENODEV, e.errno());
            assertTrue(e.getMessage().contains("no network interface 'nosuch0'"), e.getMessage());
            assertEquals(List.of(), calls("BPF_LINK_CREATE"));
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    /**
     * Attaches program 'holder' to veth0 (ifindex 7) with {@code held}, then tries program 'second'
     * with {@code attempt}; returns the failure, after checking the holder is untouched and, once
     * everything is closed, that no fd is left open.
     */
    private BpfException busy(XdpLink.Options held, XdpLink.Options attempt) {
        kernel.networkInterface("veth0", 7).networkInterface("veth1", 8);
        AttachPoint at = AttachPoint.xdp("veth0");
        BpfException e;
        try (BpfProgram holder = load("holder", at);
             BpfProgram other = load("other", AttachPoint.xdp("veth1"));
             BpfLink unrelated = other.attach(AttachPoint.xdp("veth1"), held);
             XdpLink link = (XdpLink) holder.attach(at, held);
             BpfProgram second = load("second", at)) {
            holderId = holder.fd();
            holderLinkId = link.isBpfLink() ? link.info().linkId() : 0;
            Map<Integer, Integer> before = kernel.xdpByNetlink();
            e = assertThrows(BpfException.class, () -> second.attach(at, attempt));
            assertEquals(before, kernel.xdpByNetlink(), "the holder is still there");
            assertFalse(e.getMessage().contains("'other'"), "a program on another interface is not named: " + e.getMessage());
        }
        assertEquals(Set.of(), kernel.openFds(), "the fds and sockets opened to find the holder are closed");
        assertEquals(Map.of(), kernel.xdpByNetlink());
        return e;
    }

    private int holderId;
    private int holderLinkId;

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    @Test
    void anInterfaceHeldByALinkNamesTheLinkAndProgramAndHowToDetachIt() {
        BpfException e = busy(XdpLink.Options.GENERIC, XdpLink.Options.GENERIC);
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().startsWith("BPF_LINK_CREATE"), e.getMessage());
        assertContains(e.getMessage(), "another XDP program holds veth0: program 'holder' (id " + holderId
                        + ") in generic (skb) mode, attached through BPF link " + holderLinkId,
                "`bpftool link detach id " + holderLinkId + "`", "XdpLink.replace(program)");
        assertFalse(e.getMessage().contains("generic and driver mode cannot"), e.getMessage());
    }

    @Test
    void anInterfaceHeldThroughNetlinkNamesTheProgramAndTheIpCommandForItsMode() {
        BpfException e = busy(XdpLink.Options.netlink(XdpLink.Mode.GENERIC), XdpLink.Options.GENERIC);
        assertEquals(Errno.EBUSY, e.errno());
        assertContains(e.getMessage(), "another XDP program holds veth0: program 'holder' (id " + holderId
                        + ") in generic (skb) mode, attached through netlink (IFLA_XDP)",
                "`ip link set dev veth0 xdpgeneric off`");
    }

    @Test
    void anInterfaceHeldThroughNetlinkInDriverModeRefusesGenericNamingTheOtherMode() {
        BpfException e = busy(XdpLink.Options.netlink(XdpLink.Mode.DRIVER), XdpLink.Options.GENERIC);
        assertEquals(Errno.EEXIST, e.errno());
        assertContains(e.getMessage(), "program 'holder' (id " + holderId + ") in driver (native) mode, attached through "
                + "netlink", "`ip link set dev veth0 xdpdrv off`", "generic and driver mode cannot be active on one interface");
    }

    @Test
    void aLinkInDriverModeRefusesANetlinkAttachInGenericNamingTheLink() {
        BpfException e = busy(XdpLink.Options.DRIVER, XdpLink.Options.netlink(XdpLink.Mode.GENERIC));
        assertEquals(Errno.EEXIST, e.errno());
        assertTrue(e.getMessage().startsWith("rtnetlink IFLA_XDP"), e.getMessage());
        assertContains(e.getMessage(), "program 'holder' (id " + holderId + ") in driver (native) mode, attached through BPF "
                + "link " + holderLinkId, "generic and driver mode cannot");
    }

    @Test
    void aNetlinkAttachOnAnInterfaceHeldByALinkNamesTheLink() {
        BpfException e = busy(XdpLink.Options.GENERIC, XdpLink.Options.netlink(XdpLink.Mode.GENERIC));
        assertEquals(Errno.EBUSY, e.errno());
        assertContains(e.getMessage(), "in generic (skb) mode, attached through BPF link " + holderLinkId);
    }

    @Test
    void aNetlinkAttachOnAnInterfaceHeldThroughNetlinkNamesTheHolder() {
        BpfException e = busy(XdpLink.Options.netlink(XdpLink.Mode.DRIVER), XdpLink.Options.netlink(XdpLink.Mode.DRIVER));
        assertEquals(Errno.EBUSY, e.errno());
        assertContains(e.getMessage(), "program 'holder' (id " + holderId + ") in driver (native) mode, attached through "
                + "netlink (IFLA_XDP)", "`ip link set dev veth0 xdpdrv off`");
    }

    @Test
    void theKernelsDefaultModeCollidingWithAGenericHolderSaysWhichModeItPicks() {
        BpfException e = busy(XdpLink.Options.netlink(XdpLink.Mode.GENERIC), XdpLink.Options.NONE);
        assertEquals(Errno.EEXIST, e.errno(), "the fake's interfaces have native XDP: no mode means driver mode");
        assertContains(e.getMessage(), "in generic (skb) mode, attached through netlink",
                "with no mode given the kernel picks driver mode");
    }

    @Test
    void theHolderIsNamedAfterItsProgramObjectWasClosed() {
        kernel.networkInterface("veth0", 7);
        AttachPoint at = AttachPoint.xdp("veth0");
        BpfLink held;
        int id;
        try (BpfProgram holder = load("gone", at)) {
            id = holder.fd();
            held = holder.attach(at, XdpLink.Options.netlink(XdpLink.Mode.GENERIC));
        }
        try (held; BpfProgram second = load("second", at)) {
            BpfException e = assertThrows(BpfException.class, () -> second.attach(at, XdpLink.Options.GENERIC));
            assertContains(e.getMessage(), "program 'gone' (id " + id + ") in generic (skb) mode, attached through netlink");
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aBusyInterfaceWithNoProgramOnItPointsAtAnUpperDevice() {
        kernel.networkInterface("veth0", 7).failTargetLinks(r -> Errno.EEXIST);
        try (BpfProgram prog = load("count", AttachPoint.xdp("veth0"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(AttachPoint.xdp("veth0")));
            assertContains(e.getMessage(), "no XDP program is on veth0 now", "an upper device of veth0");
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void whereTheInterfaceCannotBeAskedTheLinksStillNameTheHolder() {
        kernel.failNetlink(c -> c.startsWith("netlink RTM_GETLINK") ? Errno.EPERM : null);
        BpfException e = busy(XdpLink.Options.GENERIC, XdpLink.Options.GENERIC);
        assertContains(e.getMessage(), "program 'holder' (id " + holderId + "), attached through BPF link " + holderLinkId);
        assertEquals(1, calls("netlink RTM_GETLINK").size());
    }

    @Test
    void whereTheInterfaceCannotBeAskedAndNoLinkHoldsItNetlinkIsNamed() {
        kernel.failNetlink(c -> c.startsWith("netlink RTM_GETLINK") ? Errno.EPERM : null);
        BpfException e = busy(XdpLink.Options.netlink(XdpLink.Mode.GENERIC), XdpLink.Options.GENERIC);
        assertContains(e.getMessage(), "a program attached through netlink does", "EPERM", "xdpgeneric off");
    }

    @Test
    void xdpReplaceUpdatesTheLinkInPlace() {
        kernel.networkInterface("veth0", 7);
        AttachPoint at = AttachPoint.xdp("veth0");
        try (BpfProgram a = load("a", at); BpfProgram b = load("b", at); XdpLink link = (XdpLink) a.attach(at)) {
            link.replace(b);
            assertEquals(List.of("BPF_LINK_UPDATE link=" + link.fd() + " prog=" + b.fd() + " old=0"), calls("BPF_LINK_UPDATE"));
        }
    }

    @Test
    void optionsOfAnotherFamilyAreRefusedForXdp() {
        kernel.networkInterface("veth0", 7);
        try (BpfProgram prog = load("count", AttachPoint.xdp("veth0"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> prog.attach(AttachPoint.xdp("veth0"), TcLink.Options.FIRST));
            assertTrue(e.getMessage().contains("expected XdpLink.Options"), e.getMessage());
        }
    }

    @Test
    void interfaceNamesAreCheckedLikeTheKernelDoes() {
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.xdp("a/b"));
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.xdp("sixteen_chars_xx"));
        assertThrows(IllegalArgumentException.class, () -> AttachPoint.tcIngress("with space"));
        assertEquals("xdp:eth0", AttachPoint.xdp("eth0").toString());
    }

    // ---- TC ----------------------------------------------------------------------------------

    @Test
    void tcxIngressAndEgressLinkWithTheirAttachTypes() {
        kernel.networkInterface("veth0", 7);
        try (BpfProgram prog = load("tc", AttachPoint.tcIngress("veth0"))) {
            assertEquals(ProgramType.SCHED_CLS, prog.type());
            try (BpfLink in = prog.attach(AttachPoint.tcIngress("veth0"));
                 BpfLink out = prog.attach(AttachPoint.tcEgress("veth0"), TcLink.Options.FIRST)) {
                assertInstanceOf(TcLink.class, in);
                assertEquals(List.of("BPF_LINK_CREATE prog=" + prog.fd() + " target=7 type=46 flags=0",
                        "BPF_LINK_CREATE prog=" + prog.fd() + " target=7 type=47 flags=8"), calls("BPF_LINK_CREATE"));
                assertEquals("tcx egress veth0 (ifindex 7)", out.info().attachedTo());
            }
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void tcxOrderingOnAKernelWithoutTcxSaysWhatItLacks() {
        kernel.networkInterface("veth0", 7).failTargetLinks(r -> Errno.EINVAL);
        try (BpfProgram prog = load("tc", AttachPoint.tcIngress("veth0"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(AttachPoint.tcIngress("veth0"),
                    TcLink.Options.FIRST));
            assertTrue(e.getMessage().contains("no tcx links (Linux 6.6+"), e.getMessage());
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void withoutTcxTheProgramGoesInAsAClsactFilterRemovedWithTheQdiscOnClose() {
        kernel.networkInterface("veth0", 7).failTargetLinks(r -> Errno.EINVAL);
        try (BpfProgram prog = load("tc", AttachPoint.tcIngress("veth0"))) {
            BpfLink link = prog.attach(AttachPoint.tcIngress("veth0"));
            assertInstanceOf(TcLink.class, link);
            assertFalse(link.isBpfLink());
            assertEquals(Set.of(7), kernel.clsactQdiscs());
            assertEquals(Set.of("7/ingress/1/1"), kernel.tcFilters());
            assertEquals("clsact ingress veth0 (ifindex 7) bpf filter priority 1 handle 0x1 direct-action",
                    link.info().attachedTo());
            assertTrue(calls("netlink RTM_NEWTFILTER").get(0).endsWith("flags=0x605"), "ACK | CREATE | EXCL");
            link.close();
            assertEquals(Set.of(), kernel.tcFilters());
            assertEquals(Set.of(), kernel.clsactQdiscs(), "the qdisc this link added is gone");
        }
        assertEquals(Set.of(), kernel.openFds(), "the netlink socket is closed");
    }

    @Test
    void aClsactQdiscSomeoneElseAddedIsKeptAndSoIsAQdiscWithOtherFilters() {
        kernel.networkInterface("veth0", 7).clsactQdisc(7);
        try (BpfProgram prog = load("tc", AttachPoint.tcEgress("veth0"))) {
            try (BpfLink link = prog.attach(AttachPoint.tcEgress("veth0"), TcLink.Options.clsact(5, 0x10))) {
                assertEquals(Set.of("7/egress/5/16"), kernel.tcFilters());
                assertEquals(List.of(), calls("BPF_LINK_CREATE"), "a priority asks for clsact even where tcx exists");
            }
            assertEquals(Set.of(7), kernel.clsactQdiscs(), "not ours: kept");
        }
        kernel.clsactQdiscs();
        FakeKernel other = new FakeKernel().networkInterface("veth1", 8);
        try (BpfProgram prog = BpfProgram.load(other, ProgramSpec.of("tc", RETURN_0, AttachPoint.tcIngress("veth1")));
             BpfLink mine = prog.attach(AttachPoint.tcIngress("veth1"), TcLink.Options.clsact(1, 1));
             BpfLink second = prog.attach(AttachPoint.tcIngress("veth1"), TcLink.Options.clsact(2, 1))) {
            mine.close();
            assertEquals(Set.of(8), other.clsactQdiscs(), "another filter is still on it: kept");
            assertEquals(Set.of("8/ingress/2/1"), other.tcFilters());
        }
    }

    @Test
    void aTakenClsactPriorityAndHandleNameTheFilterHoldingThemAndLeaveNothingBehind() {
        kernel.networkInterface("veth0", 7);
        try (BpfProgram holder = load("tc_holder", AttachPoint.tcIngress("veth0"));
             BpfProgram prog = load("tc", AttachPoint.tcIngress("veth0"));
             BpfLink first = holder.attach(AttachPoint.tcIngress("veth0"), TcLink.Options.clsact(3, 0x20));
             BpfLink elsewhere = holder.attach(AttachPoint.tcIngress("veth0"), TcLink.Options.clsact(3, 0x21))) {
            BpfException e = assertThrows(BpfException.class,
                    () -> prog.attach(AttachPoint.tcIngress("veth0"), TcLink.Options.clsact(3, 0x20)));
            assertEquals(Errno.EEXIST, e.errno());
            assertContains(e.getMessage(), "a filter with priority 3 and handle 0x20 is already on veth0 ingress: the bpf "
                    + "filter of program 'tc_holder' (id " + holder.fd() + ") (filter name 'tc_holder')",
                    "choose others with TcLink.Options.clsact(priority, handle)",
                    "`tc filter del dev veth0 ingress pref 3 handle 0x20 bpf`");
            assertEquals(Set.of("7/ingress/3/32", "7/ingress/3/33"), kernel.tcFilters());
            assertEquals(Set.of(7), kernel.clsactQdiscs());
        }
        assertEquals(Set.of(), kernel.openFds());
        assertEquals(Set.of(), kernel.clsactQdiscs());
    }

    @Test
    void aTakenClsactSlotWhoseFiltersCannotBeListedStillSaysWhatToDo() {
        kernel.networkInterface("veth0", 7).failNetlink(c -> c.startsWith("netlink RTM_GETTFILTER") ? Errno.EPERM : null);
        try (BpfProgram prog = load("tc", AttachPoint.tcIngress("veth0"));
             BpfLink first = prog.attach(AttachPoint.tcIngress("veth0"), TcLink.Options.clsact(1, 1))) {
            BpfException e = assertThrows(BpfException.class,
                    () -> prog.attach(AttachPoint.tcIngress("veth0"), TcLink.Options.clsact(1, 1)));
            assertEquals(Errno.EEXIST, e.errno());
            assertContains(e.getMessage(), "a filter with priority 1 and handle 0x1 is already on veth0 ingress; choose others");
            assertEquals(Set.of("7/ingress/1/1"), kernel.tcFilters());
            kernel.failNetlink(c -> null);
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void theSameProgramTwiceOnATcxHookNamesTheLinkThatHasIt() {
        kernel.networkInterface("veth0", 7);
        try (BpfProgram prog = load("tc_twice", AttachPoint.tcIngress("veth0"));
             BpfLink egress = prog.attach(AttachPoint.tcEgress("veth0"));
             BpfLink first = prog.attach(AttachPoint.tcIngress("veth0"))) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(AttachPoint.tcIngress("veth0")));
            assertEquals(Errno.EEXIST, e.errno());
            assertContains(e.getMessage(), "program 'tc_twice' (id " + prog.fd() + ") is on this hook already through BPF link "
                    + first.info().linkId(), "load the program again");
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void xdpThroughNetlinkSetsOnlyIfFreeAndRemovesOnlyItsOwnProgram() {
        kernel.networkInterface("veth0", 7);
        AttachPoint at = AttachPoint.xdp("veth0");
        try (BpfProgram a = load("a", at); BpfProgram b = load("b", at)) {
            XdpLink link = (XdpLink) a.attach(at, XdpLink.Options.netlink(XdpLink.Mode.GENERIC));
            assertFalse(link.isBpfLink());
            assertEquals(List.of(), calls("BPF_LINK_CREATE"));
            assertTrue(calls("netlink RTM_SETLINK").get(0).endsWith(" flags=3"), "UPDATE_IF_NOEXIST | SKB_MODE");
            int own = kernel.xdpByNetlink().get(7);
            BpfException busy = assertThrows(BpfException.class, () -> b.attach(at, XdpLink.Options.netlink(XdpLink.Mode.GENERIC)));
            assertEquals(Errno.EBUSY, busy.errno());
            link.replace(b);
            assertTrue(kernel.xdpByNetlink().get(7) != own, "replaced");
            assertTrue(calls("netlink RTM_SETLINK").get(2).endsWith(" flags=18"), "REPLACE | SKB_MODE");
            link.close();
            assertEquals(Map.of(), kernel.xdpByNetlink());
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void closingANetlinkXdpLinkWhoseProgramWasRemovedOrReplacedLeavesTheInterfaceAlone() {
        kernel.networkInterface("veth0", 7);
        AttachPoint at = AttachPoint.xdp("veth0");
        try (BpfProgram a = load("a", at); BpfProgram b = load("b", at)) {
            BpfLink link = a.attach(at, XdpLink.Options.netlink(XdpLink.Mode.GENERIC));
            kernel.removeXdp(7, 2);                                   // ip link set dev veth0 xdpgeneric off
            try (BpfLink other = b.attach(at, XdpLink.Options.netlink(XdpLink.Mode.GENERIC))) {
                link.close();
                assertTrue(link.isClosed());
                assertEquals(Holders.programId(kernel, b.fd()), kernel.xdpProgramId(7, 2), "b's program stays");
            }
            assertEquals(0, kernel.xdpProgramId(7, 2));
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void closingAClsactLinkWhoseFilterWasReplacedLeavesTheNewFilter() {
        kernel.networkInterface("veth0", 7);
        AttachPoint at = AttachPoint.tcIngress("veth0");
        try (BpfProgram a = load("a", at); BpfProgram b = load("b", at)) {
            BpfLink link = a.attach(at, TcLink.Options.clsact(2, 2));
            kernel.removeTcFilter("7/ingress/2/2");                   // tc filter del dev veth0 ingress pref 2 handle 0x2 bpf
            try (BpfLink other = b.attach(at, TcLink.Options.clsact(2, 2))) {
                link.close();
                assertEquals(Set.of("7/ingress/2/2"), kernel.tcFilters(), "b's filter stays");
                assertEquals(Set.of(7), kernel.clsactQdiscs(), "and so does the qdisc it is on");
            }
            assertEquals(Set.of(), kernel.tcFilters());
            assertEquals(List.of(), calls("netlink RTM_DELQDISC"), "the qdisc is a's, not b's: b leaves it");
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aKernelWithoutXdpLinksGetsTheProgramThroughNetlink() {
        kernel.networkInterface("veth0", 7).failTargetLinks(r -> Errno.EINVAL);
        try (BpfProgram prog = load("x", AttachPoint.xdp("veth0")); BpfLink link = prog.attach(AttachPoint.xdp("veth0"))) {
            assertTrue(link.info().attachedTo().endsWith("netlink)"), link.info().attachedTo());
            assertEquals(1, kernel.xdpByNetlink().size());
        }
        assertEquals(Map.of(), kernel.xdpByNetlink());
    }

    // ---- cgroup ------------------------------------------------------------------------------

    @Test
    void cgroupLinksOpenTheDirectoryOnlyWhileLinking() {
        kernel.dir(CGROUP);
        AttachPoint at = AttachPoint.cgroupSockCreate(CGROUP);
        try (BpfProgram prog = load("nosock", at)) {
            assertEquals(ProgramType.CGROUP_SOCK, prog.type());
            assertEquals(AttachType.CGROUP_INET_SOCK_CREATE.code(), kernel.loads().get(0).expectedAttachType());
            try (BpfLink link = prog.attach(at)) {
                assertInstanceOf(CgroupLink.class, link);
                assertTrue(link.isBpfLink());
                String create = calls("BPF_LINK_CREATE").get(0);
                assertTrue(create.endsWith(" type=2 flags=0"), create);
                assertEquals(Set.of(prog.fd(), link.fd()), kernel.openFds(), "the cgroup fd is closed once linked");
            }
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void legacyCgroupAttachKeepsItsOwnProgramFdAndDetachesOnClose() {
        kernel.dir(CGROUP);
        AttachPoint at = AttachPoint.cgroupEgress(CGROUP);
        BpfLink link;
        try (BpfProgram prog = load("count", at)) {
            link = prog.attach(at, CgroupLink.Options.MULTI);
            assertFalse(link.isBpfLink());
            assertEquals(1, calls("BPF_PROG_ATTACH").size());
            assertTrue(calls("BPF_PROG_ATTACH").get(0).endsWith(" type=1 flags=2"), calls("BPF_PROG_ATTACH").toString());
        }
        // The program object is closed; the attachment and its own program fd live on until the link closes.
        assertEquals(1, kernel.progAttachments().size());
        link.close();
        assertEquals(Set.of(), kernel.progAttachments());
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aFailedLegacyAttachLeavesNoFd() {
        kernel.dir(CGROUP).failTargetLinks(r -> Errno.EPERM);
        AttachPoint at = AttachPoint.cgroupIngress(CGROUP);
        try (BpfProgram prog = load("count", at)) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(at, CgroupLink.Options.OVERRIDE));
            assertTrue(e.getMessage().contains("BPF_F_ALLOW_MULTI/OVERRIDE holds this hook"), e.getMessage());
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aCgroupPathThatIsNoDirectoryIsRefusedBeforeOpening() {
        AttachPoint at = AttachPoint.cgroupIngress("/nonexistent/cgroup");
        try (BpfProgram prog = load("count", at)) {
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(at));
            assertTrue(e.getMessage().contains("is not a directory: give a cgroup v2 directory"), e.getMessage());
            assertEquals(List.of(), calls("open "));
        }
    }

    @Test
    void onlyTheThreeSupportedCgroupHooksAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> new AttachPoint.Cgroup(CGROUP, AttachType.CGROUP_SYSCTL));
    }

    // ---- fentry, fexit, LSM ------------------------------------------------------------------

    /** A tiny BTF: [1] INT int, [2] FUNC_PROTO (t: int, mode: int), [3] FUNC do_nanosleep, [4] FUNC bpf_lsm_bprm_check_security. */
    static byte[] tinyBtf() {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int intName = addString(strings, "int");
        int t = addString(strings, "t");
        int mode = addString(strings, "mode");
        int sleep = addString(strings, "do_nanosleep");
        int lsm = addString(strings, "bpf_lsm_bprm_check_security");
        ByteBuffer types = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(intName).putInt(1 << 24).putInt(4).putInt(32);                   // INT, 4 bytes, 32 bits
        types.putInt(0).putInt(13 << 24 | 2).putInt(1).putInt(t).putInt(1).putInt(mode).putInt(1);   // FUNC_PROTO
        types.putInt(sleep).putInt(12 << 24).putInt(2);                               // FUNC -> 2
        types.putInt(lsm).putInt(12 << 24).putInt(2);
        int typeLen = types.position();
        byte[] str = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + typeLen + str.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(typeLen).putInt(typeLen).putInt(str.length);
        b.put(types.array(), 0, typeLen).put(str);
        return b.array();
    }

    private static int addString(ByteArrayOutputStream s, String text) {
        int off = s.size();
        s.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        s.write(0);
        return off;
    }

    @Test
    void fentryLoadsWithTheBtfIdOfItsFunctionAndOpensATrampolineLink() {
        kernel.binaryFile("/sys/kernel/btf/vmlinux", tinyBtf());
        AttachPoint at = AttachPoint.fexit("do_nanosleep");
        try (BpfProgram prog = load("sleep", at)) {
            assertEquals(ProgramType.TRACING, prog.type());
            assertEquals(3, kernel.loads().get(0).attachBtfId());
            assertEquals(AttachType.TRACE_FEXIT.code(), kernel.loads().get(0).expectedAttachType());
            try (BpfLink link = prog.attach(at)) {
                assertInstanceOf(TracingLink.class, link);
                assertEquals(List.of("BPF_RAW_TRACEPOINT_OPEN null"), calls("BPF_RAW_TRACEPOINT_OPEN"));
                assertEquals("do_nanosleep", link.info().symbol());
            }
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void aFunctionMissingFromBtfIsNamedBeforeLoading() {
        kernel.binaryFile("/sys/kernel/btf/vmlinux", tinyBtf());
        BpfException e = assertThrows(BpfException.class, () -> load("x", AttachPoint.fentry("no_such_function")));
        assertTrue(e.getMessage().contains("vmlinux BTF has no function 'no_such_function'"), e.getMessage());
        assertEquals(List.of(), kernel.loads());
    }

    @Test
    void aGivenBtfIdIsUsedAsIs() {
        try (BpfProgram prog = BpfProgram.load(kernel, ProgramSpec.of("s", RETURN_0,
                new AttachPoint.TracingFunction("do_nanosleep", false, 4242)).license("GPL"))) {
            assertEquals(4242, kernel.loads().get(0).attachBtfId());
        }
    }

    @Test
    void lsmLoadsWithItsBpfLsmFunctionAndRefusesToAttachWhereTheBpfLsmIsInactive() {
        kernel.binaryFile("/sys/kernel/btf/vmlinux", tinyBtf())
                .file("/sys/kernel/security/lsm", "lockdown,capability,landlock");
        AttachPoint at = AttachPoint.lsm("bprm_check_security");
        try (BpfProgram prog = load("guard", at)) {
            assertEquals(ProgramType.LSM, prog.type());
            assertEquals(4, kernel.loads().get(0).attachBtfId());
            BpfException e = assertThrows(BpfException.class, () -> prog.attach(at));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("the BPF LSM is not active on this kernel (active: lockdown,capability,landlock)")
                    && e.getMessage().contains("lsm=lockdown,capability,landlock,bpf"), e.getMessage());
            assertEquals(List.of(), calls("BPF_RAW_TRACEPOINT_OPEN"));
        }
        assertEquals(Set.of(), kernel.openFds());
    }

    @Test
    void lsmAttachesWhereTheBpfLsmIsActive() {
        kernel.binaryFile("/sys/kernel/btf/vmlinux", tinyBtf()).file("/sys/kernel/security/lsm", "lockdown,capability,bpf");
        AttachPoint at = AttachPoint.lsm("bprm_check_security");
        try (BpfProgram prog = load("guard", at); BpfLink link = prog.attach(at)) {
            assertInstanceOf(LsmLink.class, link);
            assertEquals("lsm bprm_check_security (bpf_lsm_bprm_check_security)", link.info().attachedTo());
        }
    }

    @Test
    void aRefusedTrampolineLoadReportsTheFactsThatSayWhy() {
        kernel.binaryFile("/sys/kernel/btf/vmlinux", tinyBtf())
                .file("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n")
                .file("/sys/kernel/tracing/available_filter_functions", "do_nanosleep\n")
                .inaccessible("/sys/kernel/tracing/available_filter_functions")
                .rejectLoads(Errno.EPERM, null);
        BpfException e = assertThrows(BpfException.class, () -> load("sleep", AttachPoint.fentry("do_nanosleep")));
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().contains("this kernel refuses BPF trampolines") && e.getMessage().contains("lockdown is integrity")
                && e.getMessage().contains("ftrace's function hooks are refused too")
                && e.getMessage().contains("Operation not permitted"), e.getMessage());
    }

    @Test
    void lsmHookNamesAreGivenWithoutThePrefix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttachPoint.lsm("bpf_lsm_file_open"));
        assertTrue(e.getMessage().contains("'file_open'"), e.getMessage());
    }
}
