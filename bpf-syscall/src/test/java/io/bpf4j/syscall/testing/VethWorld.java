package io.bpf4j.syscall.testing;

import com.sun.jna.Function;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small network of a test's own: two network namespaces, a veth pair with one end in each,
 * and the link-local addresses {@code 169.254.77.1} (side A) and {@code 169.254.77.2} (side B)
 * on them. Code runs inside a namespace on a thread of its own that entered it with
 * {@code setns(2)} (sockets and interface lookups made there belong to that namespace); the
 * host's interfaces and addresses are never touched. {@link #close()} deletes both namespaces
 * (which destroys the veth pair); a shutdown hook does it too if the JVM ends first.
 *
 * <pre>{@code
 * try (VethWorld w = VethWorld.create("xdp")) {
 *     w.inB(() -> prog.attach(AttachPoint.xdp(w.ifaceB())));
 *     w.sendUdp(5, 4242);                           // from A to B
 * }
 * }</pre>
 *
 * Uses {@code ip} (iproute2) to build the world, in the test only.
 */
public final class VethWorld implements AutoCloseable {
    /** Side A's address. */
    public static final String ADDRESS_A = "169.254.77.1";
    /** Side B's address. */
    public static final String ADDRESS_B = "169.254.77.2";
    private static final int CLONE_NEWNET = 0x40000000;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String nsA;
    private final String nsB;
    private final String ifaceA;
    private final String ifaceB;
    private final ExecutorService threadA;
    private final ExecutorService threadB;
    private final Thread hook;
    private boolean closed;

    private VethWorld(String tag) {
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        this.nsA = "bpf4j-" + tag + "-" + pid + "-" + n + "-a";
        this.nsB = "bpf4j-" + tag + "-" + pid + "-" + n + "-b";
        String base = "b4j" + Long.toString(pid % 46656, 36) + n;   // at most 15 characters with the suffix
        this.ifaceA = base + "a";
        this.ifaceB = base + "b";
        this.threadA = Executors.newSingleThreadExecutor(r -> new Thread(r, "netns " + nsA));
        this.threadB = Executors.newSingleThreadExecutor(r -> new Thread(r, "netns " + nsB));
        this.hook = new Thread(this::deleteNamespaces, "VethWorld cleanup " + nsA);
    }

    /**
     * True if the running kernel has tcx hooks (Linux 6.6+): its BTF names {@code BPF_TCX_INGRESS}
     * among the attach types. A fact of the kernel itself, not of its version number.
     */
    public static boolean kernelHasTcx() throws IOException {
        byte[] btf = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/sys/kernel/btf/vmlinux"));
        byte[] name = "\0BPF_TCX_INGRESS\0".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + name.length <= btf.length; i++) {
            for (int k = 0; k < name.length; k++) {
                if (btf[i + k] != name[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Builds the world; on any failure, removes what was made and throws. */
    public static VethWorld create(String tag) throws IOException, InterruptedException {
        VethWorld w = new VethWorld(tag);
        Runtime.getRuntime().addShutdownHook(w.hook);
        try {
            w.ip("netns", "add", w.nsA);
            w.ip("netns", "add", w.nsB);
            w.ip("-n", w.nsA, "link", "add", w.ifaceA, "type", "veth", "peer", "name", w.ifaceB, "netns", w.nsB);
            w.ip("-n", w.nsA, "addr", "add", ADDRESS_A + "/24", "dev", w.ifaceA);
            w.ip("-n", w.nsB, "addr", "add", ADDRESS_B + "/24", "dev", w.ifaceB);
            w.ip("-n", w.nsA, "link", "set", w.ifaceA, "up");
            w.ip("-n", w.nsB, "link", "set", w.ifaceB, "up");
            w.enter(w.threadA, w.nsA);
            w.enter(w.threadB, w.nsB);
            return w;
        } catch (IOException | InterruptedException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** Side A's namespace name (for {@code ip netns exec}). */
    public String namespaceA() {
        return nsA;
    }

    /** Side B's namespace name. */
    public String namespaceB() {
        return nsB;
    }

    /** Side A's veth end. */
    public String ifaceA() {
        return ifaceA;
    }

    /** Side B's veth end. */
    public String ifaceB() {
        return ifaceB;
    }

    /** Runs {@code task} on a thread inside side A's namespace. */
    public <T> T inA(Callable<T> task) throws Exception {
        return run(threadA, task);
    }

    /** Runs {@code task} on a thread inside side B's namespace. */
    public <T> T inB(Callable<T> task) throws Exception {
        return run(threadB, task);
    }

    /**
     * Sends {@code count} UDP datagrams from A to B's {@code port} while a socket in B listens
     * there; returns how many B received within {@code waitMillis} after the last was sent.
     */
    public int sendUdp(int count, int port, long waitMillis) throws Exception {
        try (DatagramChannel rx = inB(() -> DatagramChannel.open().bind(new InetSocketAddress(ADDRESS_B, port)))) {
            rx.configureBlocking(false);
            inA(() -> {
                try (DatagramChannel tx = DatagramChannel.open().bind(new InetSocketAddress(ADDRESS_A, 0))) {
                    for (int i = 0; i < count; i++) {
                        tx.send(ByteBuffer.wrap(("bpf4j " + i).getBytes(StandardCharsets.US_ASCII)),
                                new InetSocketAddress(ADDRESS_B, port));
                    }
                }
                return null;
            });
            int got = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            ByteBuffer buf = ByteBuffer.allocate(256);
            while (System.nanoTime() < deadline && got < count) {
                buf.clear();
                if (rx.receive(buf) != null) {
                    got++;
                } else {
                    Thread.sleep(5);
                }
            }
            return got;
        }
    }

    private static <T> T run(ExecutorService thread, Callable<T> task) throws Exception {
        Future<T> f = thread.submit(task);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception) {
                throw (Exception) c;
            }
            throw new IllegalStateException(c);
        }
    }

    private void enter(ExecutorService thread, String ns) throws InterruptedException {
        try {
            run(thread, () -> {
                Function open = Function.getFunction("c", "open");
                int fd = open.invokeInt(new Object[] {"/var/run/netns/" + ns, 0x80000});
                if (fd < 0) {
                    throw new IOException("open /var/run/netns/" + ns + ": errno " + Native.getLastError());
                }
                try {
                    int r = Function.getFunction("c", "setns").invokeInt(new Object[] {fd, CLONE_NEWNET});
                    if (r != 0) {
                        throw new IOException("setns " + ns + ": errno " + Native.getLastError());
                    }
                } finally {
                    Function.getFunction("c", "close").invokeInt(new Object[] {fd});
                }
                return null;
            });
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("entering network namespace " + ns + ": " + e.getMessage(), e);
        }
    }

    private void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }

    private synchronized void deleteNamespaces() {
        if (closed) {
            return;
        }
        closed = true;
        for (String ns : new String[] {nsA, nsB}) {
            try {
                Process p = new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // Nothing more to do: report through the test's own failure.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the namespace threads and deletes both namespaces (and with them the veth pair). */
    @Override
    public void close() {
        threadA.shutdownNow();
        threadB.shutdownNow();
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (and finds the work done).
        }
    }
}
