package io.bpf4j.examples.net;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.examples.ToolSession;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.LinkOptions;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.Privileges;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.XdpLink;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j firewall --iface IFACE --drop udp:PORT}: drops the packets arriving on an
 * interface for the given protocols and destination ports, with an XDP program (default) or a
 * TC ingress program ({@code --tc}); the rules live in a BPF hash map that also counts what each
 * dropped. Detaches on Ctrl-C and prints the counts.
 *
 * <pre>{@code
 * ./bpf4j firewall --iface eth0 --drop udp:5353 --drop tcp:23
 * ./bpf4j firewall --iface veth0 --drop udp:4242 --tc --duration 60
 * }</pre>
 */
@Command(name = "firewall", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drop packets arriving on a network interface by protocol and destination port (XDP, or TC with --tc).",
            "Prints 'Dropping ... Hit Ctrl-C to end.' on stderr once attached; on exit, what each rule dropped."})
public final class FirewallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iface", required = true, paramLabel = "IFACE", description = "The interface (in this network namespace).")
    String iface;

    @Option(names = "--drop", required = true, paramLabel = "PROTO:PORT",
            description = "Drop udp:PORT or tcp:PORT (repeatable).")
    List<String> drops;

    @Option(names = "--tc", description = "Attach at TC ingress (a tcx link) instead of XDP.")
    boolean tc;

    @Option(names = "--generic", description = "Generic (skb) XDP mode instead of the driver's.")
    boolean generic;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: Ctrl-C).")
    Double duration;

    @Override
    @SuppressWarnings("try") // the link is held, not used: closing it at the end detaches the program
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<PortRule> rules = rules();
        if (tc && generic) {
            throw new ParameterException(spec.commandLine(), "--generic is an XDP mode: it does not go with --tc");
        }
        Optional<String> missing = Privileges.missingForTracing();
        if (missing.isPresent()) {
            err.println("bpf4j firewall: " + missing.get());
            err.flush();
            return 1;
        }
        PacketPrograms.Hook hook = tc ? PacketPrograms.Hook.TC : PacketPrograms.Hook.XDP;
        AttachPoint at = tc ? AttachPoint.tcIngress(iface) : AttachPoint.xdp(iface);
        LinkOptions options = tc ? null : generic ? XdpLink.Options.GENERIC : XdpLink.Options.NONE;
        try (ToolSession session = ToolSession.start(duration == null ? null : Duration.ofMillis((long) (duration * 1000)));
             BpfMap map = BpfMap.create(MapSpec.hash("rules", 4, 8, Math.max(1, rules.size())))) {
            for (PortRule r : rules) {
                map.update(key(r), new byte[8]);
            }
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("firewall", PacketPrograms.firewall(map, hook), at)
                    .license("GPL").maps(map));
                 BpfLink link = prog.attach(at, options)) {
                err.println("Dropping " + rules.stream().map(PortRule::toString).collect(Collectors.joining(", ")) + " on "
                        + iface + " (" + (tc ? "TC ingress" : "XDP" + (generic ? ", generic mode" : "")) + ")... "
                        + "Hit Ctrl-C to end.");
                err.flush();
                session.startClock();
                while (session.running()) {
                    Thread.sleep(Math.max(1, session.pollTimeout(Duration.ofMillis(100)).toMillis()));
                }
            }
            // Detached: the counts are final.
            for (PortRule r : rules) {
                long n = ByteBuffer.wrap(map.lookup(key(r)).orElse(new byte[8])).order(ByteOrder.nativeOrder()).getLong(0);
                out.println("dropped " + r + ": " + n + " packet" + (n == 1 ? "" : "s"));
            }
            out.flush();
        }
        return 0;
    }

    private List<PortRule> rules() {
        List<PortRule> rules = new ArrayList<>();
        for (String d : drops) {
            try {
                rules.add(PortRule.parse(d));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--drop " + e.getMessage());
            }
        }
        return List.copyOf(new LinkedHashSet<>(rules));
    }

    private static byte[] key(PortRule r) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, r.key()).array();
    }
}
