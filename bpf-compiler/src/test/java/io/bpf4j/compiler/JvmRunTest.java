package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The acceptance programs run as plain Java, with JvmKernel standing in for the kernel. */
class JvmRunTest {
    @BeforeEach
    void reset() {
        JvmKernel.current().reset();
        Programs.EXECS_BY_UID.clear();
        Programs.LAT_STARTS.clear();
        Programs.LAT_HIST.clear();
        Programs.EXEC_EVENTS.drain();
    }

    @Test
    void execTracerFillsEveryFieldFromTheKernelDouble() {
        JvmKernel.current().pidTgid(42L << 32 | 43).uidGid(7L << 32 | 1000).comm("bash").clock(5).taskField("real_parent->tgid", 9);
        Programs.onExec(TracepointContext.of(new byte[0]));
        List<Programs.ExecEvent> events = Programs.EXEC_EVENTS.drain();
        assertEquals(1, events.size());
        Programs.ExecEvent e = events.get(0);
        assertEquals(5, e.timestamp());
        assertEquals(43, e.pid());
        assertEquals(42, e.tgid());
        assertEquals(1000, e.uid());
        assertEquals(9, e.ppid());
        assertArrayEquals("bash".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(e.comm(), 4));
    }

    // tag::jvm[]
    @Test
    void counterCountsPerUid() {
        JvmKernel.current().uidGid(1000);
        Programs.countExec(null);
        Programs.countExec(null);
        JvmKernel.current().uidGid(0);
        Programs.countExec(null);
        assertEquals(Map.of(0L, 1L, 1000L, 2L), Programs.EXECS_BY_UID.snapshot());
    }
    // end::jvm[]

    @Test
    void latencyGoesToTheLog2SlotOfMicroseconds() {
        Programs.enter(1, 1_000);
        Programs.leave(1, 1_000 + 5_000_000);             // 5000 us: slot 12
        assertEquals(1, Programs.LAT_HIST.get(12));
        assertEquals(Map.of(), Programs.LAT_STARTS.snapshot());
        Programs.leave(2, 10);                             // never entered: nothing
        assertEquals(1, java.util.Arrays.stream(Programs.LAT_HIST.snapshot()).sum());
    }

    @Test
    void lastSlashFindsTheLastOneBeforeTheNul() {
        byte[] p = new byte[64];
        byte[] s = "/usr/bin/true".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, p, 0, s.length);
        assertEquals(8, Programs.lastSlash(p));
    }

    @Test
    void xdpDropsEveryThirdPacketOfAPort() {
        byte[] packet = new byte[14 + 20 + 8];
        packet[12] = 0x08;
        packet[14] = 0x45;
        packet[23] = 17;
        packet[14 + 20 + 3] = 53;
        Programs.UDP_BY_PORT.clear();
        int[] verdicts = new int[6];
        for (int i = 0; i < 6; i++) {
            verdicts[i] = XdpContext.run(Programs::udpPorts, packet);
        }
        assertArrayEquals(new int[] {2, 2, 1, 2, 2, 1}, verdicts);
        assertEquals(2, XdpContext.run(Programs::udpPorts, new byte[20]));   // too short: XDP_PASS
    }
}
