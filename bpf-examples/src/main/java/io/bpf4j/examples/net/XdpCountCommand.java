package io.bpf4j.examples.net;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.examples.ToolSession;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.Privileges;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.XdpLink;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j xdp-count IFACE}: an XDP program on the interface counts the packets and bytes
 * it receives per protocol and destination port, in a BPF hash map; the tool prints the table
 * every interval and once more at the end. Every packet is passed.
 *
 * <pre>{@code
 * ./bpf4j xdp-count eth0                    # live, every second, until Ctrl-C
 * ./bpf4j xdp-count veth0 --generic --duration 10 --interval 0
 * }</pre>
 */
@Command(name = "xdp-count", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Count the packets and bytes arriving on a network interface per protocol and destination port,",
            "with an XDP program; print the table every interval. Prints 'Counting on IFACE (XDP)... Hit Ctrl-C to end.'",
            "on stderr once attached."})
public final class XdpCountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IFACE", description = "The interface (in this network namespace).")
    String iface;

    @Option(names = "--generic", description = "Generic (skb) XDP mode instead of the driver's.")
    boolean generic;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Print the table every SECONDS (0: only at the end; default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: Ctrl-C).")
    Double duration;

    /** One row of the table. */
    record Row(int key, long packets, long bytes) {
        String protocol() {
            int p = PacketPrograms.protocol(key);
            if ((key & PacketPrograms.NOT_IPV4) != 0) {
                return String.format("ether 0x%04x", key & 0xffff);
            }
            return p == PacketPrograms.TCP ? "tcp" : p == PacketPrograms.UDP ? "udp" : p == 1 ? "icmp" : "ip proto " + p;
        }

        String port() {
            int p = PacketPrograms.protocol(key);
            return (key & PacketPrograms.NOT_IPV4) == 0 && (p == PacketPrograms.TCP || p == PacketPrograms.UDP)
                    ? Integer.toString(PacketPrograms.port(key)) : "-";
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> missing = Privileges.missingForTracing();
        if (missing.isPresent()) {
            err.println("bpf4j xdp-count: " + missing.get());
            err.flush();
            return 1;
        }
        AttachPoint at = AttachPoint.xdp(iface);
        try (ToolSession session = ToolSession.start(duration == null ? null : Duration.ofMillis((long) (duration * 1000)));
             BpfMap counts = BpfMap.create(MapSpec.hash("counts", 4, 16, 4096));
             BpfProgram prog = BpfProgram.load(ProgramSpec.of("xdp_count", PacketPrograms.counter(counts,
                     PacketPrograms.Hook.XDP), at).license("GPL").maps(counts));
             BpfLink link = prog.attach(at, generic ? XdpLink.Options.GENERIC : XdpLink.Options.NONE)) {
            err.println("Counting on " + iface + " (XDP" + (generic ? ", generic mode" : "") + ")... Hit Ctrl-C to end.");
            err.flush();
            session.startClock();
            long next = System.nanoTime() + (long) (interval * 1e9);
            while (session.running()) {
                Thread.sleep(Math.max(1, session.pollTimeout(Duration.ofMillis(100)).toMillis()));
                if (interval > 0 && System.nanoTime() - next >= 0) {
                    print(out, rows(counts));
                    next += (long) (interval * 1e9);
                }
            }
            print(out, rows(counts));
            err.println("xdp-count: detached from " + link.info().attachedTo());
            err.flush();
        }
        return 0;
    }

    static List<Row> rows(BpfMap counts) {
        List<Row> rows = new ArrayList<>();
        for (BpfMap.Entry e : counts.lookupBatch(256)) {
            ByteBuffer k = ByteBuffer.wrap(e.key()).order(ByteOrder.nativeOrder());
            ByteBuffer v = ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder());
            rows.add(new Row(k.getInt(0), v.getLong(0), v.getLong(8)));
        }
        rows.sort(Comparator.comparingLong(Row::packets).reversed().thenComparingInt(Row::key));
        return rows;
    }

    static void print(PrintWriter out, List<Row> rows) {
        out.printf("%-14s %6s %12s %14s%n", "PROTO", "PORT", "PACKETS", "BYTES");
        for (Row r : rows) {
            out.printf("%-14s %6s %12d %14d%n", r.protocol(), r.port(), r.packets(), r.bytes());
        }
        out.println();
        out.flush();
    }
}
