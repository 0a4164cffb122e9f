package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.XdpLink;
import io.bpf4j.syscall.testing.KernelTest;
import io.bpf4j.syscall.testing.VethWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code xdp-count}, {@code firewall} (XDP and TC) and {@code exec-guard} run in this JVM as the
 * launcher runs them, on the veth end of a network namespace pair of the test's own
 * ({@link VethWorld}); the tool's thread is started inside namespace B, so its interface names are B's.
 */
@KernelTest
class NetToolsKernelTest {
    private static final int PACKETS = 25;


    private static String joined(List<String> lines) {
        return lines.stream().collect(Collectors.joining("\n"));
    }

    @Test
    void firewallDropsTheGivenPortOnlyAndReportsWhatItDropped() throws Exception {
        try (VethWorld w = VethWorld.create("fw")) {
            ToolRun run = w.inB(() -> ToolRun.start("firewall", "--iface", w.ifaceB(), "--drop", "udp:41001", "--drop",
                    "tcp:41001", "--duration", "3"));
            try (run) {
                assertEquals(0, w.sendUdp(PACKETS, 41001, 500), "udp:41001 is dropped");
                assertEquals(PACKETS, w.sendUdp(PACKETS, 41002, 1000), "udp:41002 passes");
            }
            assertEquals(0, run.exitCode(), joined(run.errLines()));
            assertTrue(run.outLines().contains("dropped udp:41001: " + PACKETS + " packets"), joined(run.outLines()));
            assertTrue(run.outLines().contains("dropped tcp:41001: 0 packets"), joined(run.outLines()));
            assertEquals(PACKETS, w.sendUdp(PACKETS, 41001, 1000), "detached on exit");
        }
    }

    @Test
    void firewallAtTcIngressDropsToo() throws Exception {
        try (VethWorld w = VethWorld.create("fwtc")) {
            ToolRun run;
            try {
                run = w.inB(() -> ToolRun.start("firewall", "--iface", w.ifaceB(), "--drop", "udp:41011", "--tc",
                        "--duration", "3"));
            } catch (AssertionError e) {
                // Kernels before 6.6 have no tcx: the tool must say so.
                assertTrue(!VethWorld.kernelHasTcx(), e.getMessage());
                assertTrue(e.getMessage().contains("no tcx links"), e.getMessage());
                return;
            }
            try (run) {
                assertEquals(0, w.sendUdp(PACKETS, 41011, 500));
            }
            assertTrue(run.outLines().contains("dropped udp:41011: " + PACKETS + " packets"), joined(run.outLines()));
        }
    }

    @Test
    void xdpCountCountsPacketsAndBytesPerProtocolAndPort() throws Exception {
        try (VethWorld w = VethWorld.create("cnt")) {
            ToolRun run = w.inB(() -> ToolRun.start("xdp-count", w.ifaceB(), "--interval", "0", "--duration", "3"));
            try (run) {
                assertEquals(PACKETS, w.sendUdp(PACKETS, 41021, 1000));
            }
            assertEquals(0, run.exitCode(), joined(run.errLines()));
            String row = run.outLines().stream().filter(l -> l.matches("udp\\s+41021\\s+.*")).findFirst()
                    .orElseThrow(() -> new AssertionError(joined(run.outLines())));
            String[] f = row.trim().split("\\s+");
            assertEquals(PACKETS, Long.parseLong(f[2]), row);
            // "bpf4j N" payloads of 7 or 8 bytes in UDP/IPv4/Ethernet: 14 + 20 + 8 + 7..8 bytes each.
            long bytes = Long.parseLong(f[3]);
            assertTrue(bytes >= PACKETS * 49L && bytes <= PACKETS * 50L, row);
        }
    }

    /**
     * Runs {@code tool} on B's veth end while program 'holder' holds its XDP hook (attached with
     * {@code held}); the tool must end with exit code 1 and one line on stderr, without a stack
     * trace, naming the holder (its id as {@code ip link show} reports it) and how it is attached.
     */
    @SuppressWarnings("try") // the holder's link is held, not used
    private static void busyInterfaceIsOneLineNamingTheHolder(XdpLink.Options held, String how,
                                                              java.util.function.Function<String, String[]> tool)
            throws Exception {
        try (VethWorld w = VethWorld.create("tbusy")) {
            AttachPoint at = AttachPoint.xdp(w.ifaceB());
            Program pass = Program.builder().mov64(Reg.R0, 2).exit().build();   // XDP_PASS
            try (BpfProgram holder = BpfProgram.load(ProgramSpec.of("holder", pass, at).license("GPL"));
                 BpfLink link = w.inB(() -> holder.attach(at, held))) {
                String shown = ip(w.namespaceB(), "link", "show", "dev", w.ifaceB());
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("prog/xdp id (\\d+)").matcher(shown);
                assertTrue(id.find(), shown);
                String[] args = tool.apply(w.ifaceB());
                ToolRun run = w.inB(() -> ToolRun.runToEnd(java.time.Duration.ofSeconds(25), args));
                List<String> err = run.errLines();
                assertEquals(1, run.exitCode(), joined(err));
                assertEquals(1, err.size(), "one line, no stack trace:\n" + joined(err));
                String line = err.get(0);
                assertTrue(line.startsWith("bpf4j " + args[0] + ": ") && line.contains("another XDP program holds "
                        + w.ifaceB() + ": program 'holder' (id " + id.group(1) + ")") && line.contains(how), line);
                assertEquals(List.of(), run.outLines());
                assertTrue(ip(w.namespaceB(), "link", "show", "dev", w.ifaceB()).contains("prog/xdp id " + id.group(1)),
                        "the holder stays");
            }
        }
    }

    @Test
    void xdpCountOnAnInterfaceHeldThroughNetlinkSaysWhoHoldsItInOneLine() throws Exception {
        busyInterfaceIsOneLineNamingTheHolder(XdpLink.Options.netlink(XdpLink.Mode.GENERIC),
                "in generic (skb) mode, attached through netlink (IFLA_XDP)",
                iface -> new String[] {"xdp-count", iface, "--duration", "3"});
    }

    @Test
    void firewallOnAnInterfaceHeldByALinkSaysWhoHoldsItInOneLine() throws Exception {
        busyInterfaceIsOneLineNamingTheHolder(XdpLink.Options.NONE, "attached through BPF link",
                iface -> new String[] {"firewall", "--iface", iface, "--drop", "udp:41031", "--duration", "3"});
    }

    /** {@code ip -n NS ARGS...}'s output (the test's own namespaces only). */
    private static String ip(String namespace, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "-n", namespace));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        return out;
    }

    @Test
    void execGuardRefusesExecOfTheFileWhileRunningOrSaysWhyItCannot() throws Exception {
        // On a tmpfs of the test's own: the root filesystem may be an overlay (CI's VM), which exec-guard refuses.
        Path dir = Files.createTempDirectory("bpf4j-guard");
        mount("-t", "tmpfs", "tmpfs", dir.toString());
        Path copy = dir.resolve("bpf4j-guarded");
        Files.copy(Path.of("/bin/true"), copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true);
        try {
            // Probe: where the kernel refuses trampolines or has no BPF LSM, the tool ends at once saying which.
            ToolRun probe = ToolRun.runToEnd(java.time.Duration.ofSeconds(60), "exec-guard", "--deny", copy.toString(),
                    "--duration", "0.1");
            if (probe.exitCode() != 0) {
                String why = joined(probe.errLines());
                assertTrue(why.contains("refuses BPF trampolines") || why.contains("BPF LSM is not active"), why);
                System.out.println("[exec-guard cannot run on this kernel, as it says] " + why);
                return;
            }
            ToolRun run = ToolRun.start("exec-guard", "--deny", copy.toString(), "--duration", "3");
            try (run) {
                Process p = new ProcessBuilder(copy.toString()).redirectErrorStream(true).start();
                assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor(), "another file still runs");
                throw new AssertionError("exec of the guarded file was allowed (exit " + p.waitFor() + ")");
            } catch (java.io.IOException e) {
                assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
            }
            assertTrue(run.outLines().contains("refused 1 exec of " + copy.toRealPath()), joined(run.outLines()));
            assertEquals(0, new ProcessBuilder(copy.toString()).start().waitFor(), "detached on exit");
        } finally {
            Files.deleteIfExists(copy);
            umount(dir);
        }
    }

    @Test
    void execGuardRefusesAFileOnOverlayfsItCouldNotRecognise() throws Exception {
        Path dir = Files.createTempDirectory("bpf4j-overlay");
        mount("-t", "tmpfs", "tmpfs", dir.toString());
        try {
            for (String d : List.of("lower", "upper", "work", "merged")) {
                Files.createDirectory(dir.resolve(d));
            }
            Files.copy(Path.of("/bin/true"), dir.resolve("lower/bpf4j-guarded"));
            mount("-t", "overlay", "overlay", "-o", "lowerdir=" + dir.resolve("lower") + ",upperdir=" + dir.resolve("upper")
                    + ",workdir=" + dir.resolve("work"), dir.resolve("merged").toString());
            try {
                ToolRun run = ToolRun.runToEnd(java.time.Duration.ofSeconds(60), "exec-guard", "--deny",
                        dir.resolve("merged/bpf4j-guarded").toString(), "--duration", "0.1");
                assertEquals(2, run.exitCode(), joined(run.errLines()));
                assertTrue(joined(run.errLines()).contains("is on overlayfs"), joined(run.errLines()));
            } finally {
                umount(dir.resolve("merged"));
            }
        } finally {
            umount(dir);
        }
    }

    private static void mount(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("mount"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "mount " + String.join(" ", args) + ": " + out);
    }

    private static void umount(Path dir) throws Exception {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
        Files.deleteIfExists(dir);
    }
}
