package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The counter and funclatency programs on real events: the execs of this test's children, and the
 * getaddrinfo calls of getent. Other processes on the machine may add events, never remove ours,
 * so the checks are lower bounds.
 */
@KernelTest
class RealEventsKernelTest {
    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
    }

    private static long u64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
    }

    @Test
    @SuppressWarnings("try")                               // the link only needs to be open while the children run
    void execCounterCountsTheExecsOfThisUser() throws Exception {
        try (Kernels k = new Kernels(BpfCompiler.create().compile(Programs.class, "countExec"));
             BpfLink link = k.program.attachTracepoint("sched", "sched_process_exec")) {
            for (int i = 0; i < 3; i++) {
                run("/bin/true");
            }
            byte[] root = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0).array();
            long count = k.map("execs_by_uid").lookup(root).map(RealEventsKernelTest::u64).orElse(0L);
            assertTrue(count >= 3, "execs counted for uid 0: " + count);
        }
    }

    @Test
    @SuppressWarnings("try")
    void funclatencyFillsTheHistogramFromRealCalls() throws Exception {
        try (Kernels entry = new Kernels(BpfCompiler.create().compile(Programs.class, "latencyEntry"));
             Kernels ret = new Kernels(BpfCompiler.create().compile(Programs.class, "latencyReturn"),
                     entry.map("lat_starts"));
             BpfLink in = entry.program.attach(AttachPoint.uprobe("libc", "getaddrinfo"));
             BpfLink out = ret.program.attach(AttachPoint.uretprobe("libc", "getaddrinfo"))) {
            for (int i = 0; i < 3; i++) {
                run("getent", "ahosts", "localhost");
            }
            long total = 0;
            for (int slot = 0; slot < 64; slot++) {
                byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(slot).array();
                total += ret.map("lat_hist").lookup(key).map(RealEventsKernelTest::u64).orElse(0L);
            }
            assertTrue(total >= 3, "getaddrinfo returns counted: " + total);
        }
    }
}
