package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.TestRun;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same Java method on the JVM and compiled in the kernel (BPF_PROG_TEST_RUN), over random
 * inputs: identical return values and identical map contents. The seed is printed; rerun one with
 * {@code -Dbpf4j.seed=N}.
 */
@KernelTest
class DifferentialKernelTest {
    private static final int ROUNDS = 10_000;

    private static long seed(String what) {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println(what + ": seed " + seed + " (rerun with -Dbpf4j.seed=" + seed + ")");
        return seed;
    }

    @BeforeEach
    void clearJvmMaps() {
        Programs.EXECS_BY_UID.clear();
        Programs.UDP_BY_PORT.clear();
        Programs.LAT_STARTS.clear();
        Programs.LAT_HIST.clear();
    }

    private static byte[] le(int bytes, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
        for (long v : values) {
            if (b.remaining() >= 8 && values.length > 1) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
        return b.array();
    }

    private static Map<Long, Long> kernelHash(BpfMap m) {
        Map<Long, Long> out = new TreeMap<>();
        for (byte[] k : m.keys()) {
            ByteBuffer kb = ByteBuffer.wrap(k).order(ByteOrder.nativeOrder());
            long key = k.length == 4 ? kb.getInt() & 0xffff_ffffL : kb.getLong();
            byte[] v = m.lookup(k).orElseThrow();
            out.put(key, ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong());
        }
        return out;
    }

    @Test
    void execCounterCountsAsOnTheJvm() {
        Random rnd = new Random(seed("execs per uid"));
        CompiledProgram p = BpfCompiler.create().compile(Programs.class, "countExecTest");
        try (Kernels k = new Kernels(p)) {
            for (int i = 0; i < ROUNDS; i++) {
                int uid = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(50);
                byte[] ctx = le(4, uid);
                int kernel = k.program.testRun(TestRun.ctx(ctx)).retval();
                int jvm = Programs.countExecTest(SyscallContext.of(ctx));
                assertEquals(jvm, kernel, "uid " + uid);
            }
            assertEquals(Programs.EXECS_BY_UID.snapshot(), kernelHash(k.map("execs_by_uid")));
            org.junit.jupiter.api.Assertions.assertTrue(Programs.EXECS_BY_UID.snapshot().size() > 50);
        }
    }

    @Test
    void xdpPortCounterDecidesAndCountsAsOnTheJvm() {
        Random rnd = new Random(seed("xdp udp ports"));
        CompiledProgram p = BpfCompiler.create().compile(Programs.class, "udpPorts");
        try (Kernels k = new Kernels(p)) {
            for (int i = 0; i < ROUNDS; i++) {
                byte[] packet = packet(rnd);
                int kernel = k.program.testRun(TestRun.data(packet)).retval();
                int jvm = XdpContext.run(Programs::udpPorts, packet);
                assertEquals(jvm, kernel, "packet " + i + " of " + packet.length + " bytes");
            }
            assertEquals(Programs.UDP_BY_PORT.snapshot(), kernelHash(k.map("udp_by_port")));
            org.junit.jupiter.api.Assertions.assertTrue(Programs.UDP_BY_PORT.getOrDefault(53, 0) > 100);
        }
    }

    /** Mostly IPv4/UDP to a few ports with random IP header lengths, some other traffic, some truncated. */
    static byte[] packet(Random rnd) {
        int ihl = rnd.nextInt(8) == 0 ? 5 + rnd.nextInt(11) : 5;
        int full = 14 + ihl * 4 + 8 + rnd.nextInt(32);
        int len = rnd.nextInt(10) == 0 ? 14 + rnd.nextInt(full - 14) : full;
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        ByteBuffer bb = ByteBuffer.wrap(b);
        int kind = rnd.nextInt(10);
        bb.putShort(12, (short) (kind == 0 ? 0x86dd : 0x0800));
        if (len > 14) {
            b[14] = (byte) ((kind == 1 ? 6 : 4) << 4 | ihl);
        }
        if (len > 23) {
            b[23] = (byte) (kind == 2 ? 6 : 17);
        }
        int udp = 14 + ihl * 4;
        if (len >= udp + 4) {
            bb.putShort(udp + 2, (short) (rnd.nextInt(5) == 0 ? rnd.nextInt(65536) : 53 + rnd.nextInt(4)));
        }
        return b;
    }

    @Test
    void latencyHistogramMatchesTheJvm() {
        Random rnd = new Random(seed("funclatency"));
        CompiledProgram p = BpfCompiler.create().compile(Programs.class, "latencyTest");
        try (Kernels k = new Kernels(p)) {
            long now = 1_000_000;
            for (int i = 0; i < ROUNDS; i++) {
                long thread = (long) rnd.nextInt(3) << 32 | rnd.nextInt(8);
                now += rnd.nextInt(4) == 0 ? rnd.nextInt(1 << 30) : rnd.nextInt(5000);
                int isReturn = rnd.nextInt(2);
                ByteBuffer ctx = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
                ctx.putLong(0, thread).putLong(8, now).putInt(16, isReturn);
                int kernel = k.program.testRun(TestRun.ctx(ctx.array())).retval();
                int jvm = Programs.latencyTest(SyscallContext.of(ctx.array()));
                assertEquals(jvm, kernel);
            }
            assertEquals(Programs.LAT_STARTS.snapshot(), kernelHash(k.map("lat_starts")));
            BpfMap hist = k.map("lat_hist");
            long[] kernelHist = new long[64];
            for (int i = 0; i < 64; i++) {
                byte[] v = hist.lookup(le(4, i)).orElseThrow();
                kernelHist[i] = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong();
            }
            assertArrayEquals(Programs.LAT_HIST.snapshot(), kernelHist);
            org.junit.jupiter.api.Assertions.assertTrue(java.util.Arrays.stream(kernelHist).sum() > 1000);
        }
    }

    @Test
    void lastSlashLoopAgreesWithTheJvm() {
        Random rnd = new Random(seed("last slash"));
        CompiledProgram p = BpfCompiler.create().compile(Programs.class, "lastSlashTest");
        byte[] alphabet = "/ab./".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (Kernels k = new Kernels(p)) {
            for (int i = 0; i < ROUNDS; i++) {
                byte[] path = new byte[64];
                int len = rnd.nextInt(65);
                for (int j = 0; j < len; j++) {
                    path[j] = rnd.nextInt(20) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
                }
                int kernel = k.program.testRun(TestRun.ctx(path)).retval();
                int jvm = Programs.lastSlashTest(SyscallContext.of(path));
                assertEquals(jvm, kernel, "path " + new String(path, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
    }
}
