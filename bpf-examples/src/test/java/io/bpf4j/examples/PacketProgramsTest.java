package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.examples.lsm.ExecGuardProgram;
import io.bpf4j.examples.net.PacketPrograms;
import io.bpf4j.examples.net.PortRule;
import org.junit.jupiter.api.Test;

/** The keys, rules and device numbers of the network and LSM tools, without a kernel. */
class PacketProgramsTest {
    @Test
    void aKeyHoldsTheProtocolAndThePortAsTheWireCarriesIt() {
        int k = PacketPrograms.key(PacketPrograms.UDP, 4242);
        assertEquals(17 << 16 | 0x9210, k, "4242 = 0x1092, big endian on the wire, loaded little endian");
        assertEquals(PacketPrograms.UDP, PacketPrograms.protocol(k));
        assertEquals(4242, PacketPrograms.port(k));
        for (int port = 1; port <= 65535; port += 97) {
            assertEquals(port, PacketPrograms.port(PacketPrograms.key(PacketPrograms.TCP, port)));
        }
    }

    @Test
    void rulesParseUdpAndTcpAndRefuseTheRest() {
        assertEquals(new PortRule(17, 53), PortRule.parse("udp:53"));
        assertEquals("tcp:80", PortRule.parse("TCP:80").toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PortRule.parse("icmp:1")).getMessage()
                .contains("expected udp:PORT or tcp:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PortRule.parse("udp:x")).getMessage()
                .contains("'x' is not a number"));
        assertThrows(IllegalArgumentException.class, () -> PortRule.parse("udp:70000"));
    }

    @Test
    void statDeviceNumbersBecomeTheKernelsEncoding() {
        // st_dev of major 8, minor 1 (/dev/sda1) is 0x801; the kernel's MKDEV(8, 1) is 8 << 20 | 1.
        assertEquals(8 << 20 | 1, ExecGuardProgram.kernelDev(0x801));
        // major 259, minor 300: glibc puts major's low 12 bits at 8..19 and minor's high bits at 20..31.
        long st = (259L & 0xfff) << 8 | (300L & 0xff) | (300L & ~0xffL) << 12;
        assertEquals(259 << 20 | 300, ExecGuardProgram.kernelDev(st));
    }

    @Test
    void bothHooksBuildPrograms() {
        io.bpf4j.core.MapReference m = io.bpf4j.core.MapReference.named("m");
        assertTrue(PacketPrograms.counter(m, PacketPrograms.Hook.XDP).slotCount() > 20);
        assertTrue(PacketPrograms.firewall(m, PacketPrograms.Hook.TC).slotCount() > 20);
    }
}
