package io.bpf4j.syscall.testing;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.EpollEvents;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.MapType;
import io.bpf4j.syscall.MappedRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * An in-memory {@link Kernel} for unit tests that need no root: maps behave like the kernel's
 * (hash, array, queue/stack semantics, update flags, capacity), programs load unless told to fail
 * (with a verifier log, honouring log sizes and ENOSPC like the kernel), fds are numbered and
 * tracked so tests can check that everything opened was closed exactly once. Every call is
 * recorded in {@link #calls()}.
 *
 * <pre>{@code
 * FakeKernel k = new FakeKernel();
 * try (BpfMap m = BpfMap.create(k, MapSpec.hash("m", 4, 8, 16))) { ... }
 * assertEquals(Set.of(), k.openFds());
 * }</pre>
 *
 * <p>Files the kernel publishes ({@code /proc}, {@code /sys}, tracefs) come from an in-memory tree
 * the test fills with {@link #file}, {@link #dir} and {@link #inaccessible}; writes go through
 * {@link #onAppend} (by default they append to the file's text), so attach paths that read
 * sysfs, kallsyms or tracefs run here without a kernel.
 *
 * Not thread-safe beyond what its synchronized methods give; not a model of the verifier.
 */
public class FakeKernel implements Kernel {
    private int nextFd = 100;
    private final Map<Integer, Object> objects = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Object> pins = new HashMap<>();
    private final List<ProgLoadRequest> loads = new ArrayList<>();
    private Errno loadErrno;
    private String verifierLog;
    private Function<byte[], Integer> testRunner = ctx -> 0;
    private final Map<Integer, Set<Integer>> epollInterest = new HashMap<>();
    private final Deque<long[]> readyEvents = new ArrayDeque<>();
    private final Map<Path, String> files = new HashMap<>();
    private final Set<Path> dirs = new HashSet<>();
    private final Set<Path> inaccessible = new HashSet<>();
    private AppendHandler appendHandler = (k, path, text) -> k.file(path.toString(), k.fileText(path) + text);
    private Function<PerfEventAttr, Errno> perfEventFailure = a -> null;
    private Errno linkCreateErrno;
    private Runnable mountAction = () -> { };
    private final Map<String, Integer> interfaces = new HashMap<>();
    private final Set<String> attachedToTargets = new HashSet<>();
    private final Set<Integer> clsactQdiscs = new HashSet<>();
    private final Set<String> tcFilters = new HashSet<>();
    /** XDP per interface index and mode flag (2 skb, 4 driver, 8 offload): what holds it. */
    private final Map<Integer, Map<Integer, XdpSlot>> xdpSlots = new HashMap<>();
    /** The id of each program and target link (the fd it was first given), by identity. */
    private final Map<Object, Integer> objectIds = new IdentityHashMap<>();
    /** The program id each target link runs, by identity. */
    private final Map<Object, Integer> linkPrograms = new IdentityHashMap<>();
    /** The program id and name of each TC filter (key as in {@link #tcFilters}). */
    private final Map<String, TcFilterProgram> tcFilterPrograms = new HashMap<>();
    private Function<String, Errno> netlinkFailure = c -> null;
    private final Map<Path, byte[]> binaryFiles = new HashMap<>();
    private Function<LinkCreateRequest, Errno> targetLinkFailure = r -> null;

    /** What a write to a fake pseudo-file does (see {@link #onAppend}). */
    @FunctionalInterface
    public interface AppendHandler {
        /** Handles {@code text} appended to {@code path}; throw to refuse it as the kernel would (EINVAL, ENOENT). */
        void append(FakeKernel kernel, Path path, String text) throws IOException;
    }

    /** A link made by {@code BPF_LINK_CREATE} on a target (XDP, tcx, cgroup) or a BTF id (fentry, LSM). */
    public record FakeTargetLink(LinkCreateRequest request) {
    }

    /** One XDP hook of an interface: the program on it and, if a BPF link holds it, that link (null: set through netlink). */
    private record XdpSlot(Object program, int progId, int progFd, Object link) {
    }

    /** The program of a TC filter: its id and the name given with it. */
    private record TcFilterProgram(int progId, String name) {
    }

    /** A fake map. */
    public static final class FakeMap {
        public final MapCreateRequest spec;
        public final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>();
        public final Deque<byte[]> queue = new ArrayDeque<>();
        public boolean frozen;
        public ByteBuffer memory;

        FakeMap(MapCreateRequest spec) {
            this.spec = spec;
        }
    }

    /** A fake program (what was loaded). */
    public record FakeProgram(ProgLoadRequest request, byte[] insns) {
    }

    /** Any other fd: a perf event, link, epoll or eventfd, with what created it. */
    public record FakeFd(String kind, String detail) {
    }

    // ---- test controls ------------------------------------------------------------------------

    /** Makes every following program load fail with {@code errno}; with a log level the log is {@code log}. */
    public synchronized FakeKernel rejectLoads(Errno errno, String log) {
        this.loadErrno = errno;
        this.verifierLog = log;
        return this;
    }

    /** Sets what a test run returns given the context in (the context buffer may be modified in place). */
    public synchronized FakeKernel onTestRun(Function<byte[], Integer> runner) {
        this.testRunner = runner;
        return this;
    }

    /** Queues an epoll event that the next {@link #epollWait} returns. */
    public synchronized void signal(int events, long data) {
        readyEvents.add(new long[] {events, data});
    }

    /** Puts a file with {@code text} at {@code path} (its parent directories appear too). */
    public synchronized FakeKernel file(String path, String text) {
        Path p = Path.of(path);
        files.put(p, text);
        for (Path d = p.getParent(); d != null; d = d.getParent()) {
            dirs.add(d);
        }
        return this;
    }

    /** Removes the file at {@code path}. */
    public synchronized FakeKernel removeFile(String path) {
        files.remove(Path.of(path));
        return this;
    }

    /** Makes {@code path} (and its parents) a directory. */
    public synchronized FakeKernel dir(String path) {
        for (Path d = Path.of(path); d != null; d = d.getParent()) {
            dirs.add(d);
        }
        return this;
    }

    /** Makes everything under {@code path} unreachable for this process (a 0700 directory on the way). */
    public synchronized FakeKernel inaccessible(String path) {
        inaccessible.add(Path.of(path));
        return this;
    }

    /** The text of a fake file ("" if absent). */
    public synchronized String fileText(Path path) {
        return files.getOrDefault(path, "");
    }

    /** Sets what writes to fake pseudo-files do. */
    public synchronized FakeKernel onAppend(AppendHandler handler) {
        this.appendHandler = handler;
        return this;
    }

    /** Makes {@code perf_event_open} fail with the errno the function returns for an attr (null: succeed). */
    public synchronized FakeKernel failPerfEventOpen(Function<PerfEventAttr, Errno> failure) {
        this.perfEventFailure = failure;
        return this;
    }

    /** Adds a network interface {@code name} with index {@code index} (for {@code if_nametoindex}). */
    public synchronized FakeKernel networkInterface(String name, int index) {
        interfaces.put(name, index);
        return this;
    }

    /** Adds a binary file ({@code /sys/kernel/btf/vmlinux}). */
    public synchronized FakeKernel binaryFile(String path, byte[] bytes) {
        Path p = Path.of(path);
        binaryFiles.put(p, bytes.clone());
        for (Path d = p.getParent(); d != null; d = d.getParent()) {
            dirs.add(d);
        }
        return this;
    }

    /** Makes {@code BPF_LINK_CREATE} on a target (XDP, tcx, cgroup, BTF) fail with the errno the function returns (null: succeed). */
    public synchronized FakeKernel failTargetLinks(Function<LinkCreateRequest, Errno> failure) {
        this.targetLinkFailure = failure;
        return this;
    }

    /** Makes rtnetlink requests fail with the errno the function returns for the request's call text (null: succeed). */
    public synchronized FakeKernel failNetlink(Function<String, Errno> failure) {
        this.netlinkFailure = failure;
        return this;
    }

    /** Gives {@code ifindex} a clsact qdisc, as if someone else had added it. */
    public synchronized FakeKernel clsactQdisc(int ifindex) {
        clsactQdiscs.add(ifindex);
        return this;
    }

    /** The interfaces with a clsact qdisc. */
    public synchronized Set<Integer> clsactQdiscs() {
        return Set.copyOf(clsactQdiscs);
    }

    /** The TC filters, as {@code ifindex/ingress|egress/priority/handle}. */
    public synchronized Set<String> tcFilters() {
        return Set.copyOf(tcFilters);
    }

    /** The program fd set through {@code IFLA_XDP} per interface index (in any mode). */
    public synchronized Map<Integer, Integer> xdpByNetlink() {
        Map<Integer, Integer> out = new HashMap<>();
        xdpSlots.forEach((ifindex, modes) -> modes.values().stream().filter(s -> s.link() == null)
                .forEach(s -> out.put(ifindex, s.progFd())));
        return Map.copyOf(out);
    }

    /** Removes the XDP program of {@code ifindex} in {@code modeFlag}, as {@code ip link set dev X xdpgeneric off} would. */
    public synchronized FakeKernel removeXdp(int ifindex, int modeFlag) {
        xdpSlots.getOrDefault(ifindex, new HashMap<>()).remove(modeFlag);
        return this;
    }

    /** Deletes TC filter {@code filter} (as in {@link #tcFilters}), as {@code tc filter del} would. */
    public synchronized FakeKernel removeTcFilter(String filter) {
        tcFilters.remove(filter);
        tcFilterPrograms.remove(filter);
        return this;
    }

    /** The id of the program on {@code ifindex}'s XDP hook in mode {@code modeFlag} (2 skb, 4 driver, 8 offload), or 0. */
    public synchronized int xdpProgramId(int ifindex, int modeFlag) {
        XdpSlot slot = xdpSlots.getOrDefault(ifindex, Map.of()).get(modeFlag);
        return slot == null ? 0 : slot.progId();
    }

    /** Makes {@code BPF_LINK_CREATE} fail with {@code errno} (null: succeed). */
    public synchronized FakeKernel failLinkCreate(Errno errno) {
        this.linkCreateErrno = errno;
        return this;
    }

    /** Runs {@code action} when {@code mount(2)} is called (e.g. to make tracefs appear). */
    public synchronized FakeKernel onMount(Runnable action) {
        this.mountAction = action;
        return this;
    }

    /** Every call so far, as {@code "BPF_MAP_CREATE fd=100"}-style strings. */
    public synchronized List<String> calls() {
        return new ArrayList<>(calls);
    }

    /** Fds currently open. */
    public synchronized Set<Integer> openFds() {
        return new TreeSet<>(objects.keySet());
    }

    /** The program-load requests so far. */
    public synchronized List<ProgLoadRequest> loads() {
        return new ArrayList<>(loads);
    }

    /** The object behind an fd (FakeMap, FakeProgram, FakeFd). */
    public synchronized Object object(int fd) {
        return objects.get(fd);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private int open(Object o) {
        int fd = nextFd++;
        objects.put(fd, o);
        return fd;
    }

    private static BpfException err(String op, Errno e) {
        return new BpfException(op, e, null);
    }

    private FakeMap map(String op, int fd) {
        Object o = objects.get(fd);
        if (!(o instanceof FakeMap)) {
            throw err(op, Errno.EBADF);
        }
        return (FakeMap) o;
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(b.position(), out, 0, n);
        return out;
    }

    private static String key(byte[] k) {
        return Arrays.toString(k);
    }

    private static int valueBytes(MapCreateRequest s) {
        MapType t = MapType.of(s.mapType());
        return t.isPerCpu() ? ((s.valueSize() + 7) & ~7) * io.bpf4j.syscall.Cpus.possibleCount() : s.valueSize();
    }

    // ---- bpf ----------------------------------------------------------------------------------

    @Override
    public synchronized int mapCreate(MapCreateRequest r) {
        MapType t = MapType.of(r.mapType());
        FakeMap m = new FakeMap(r);
        if (t == MapType.ARRAY || t == MapType.PERCPU_ARRAY) {
            for (int i = 0; i < r.maxEntries(); i++) {
                m.entries.put(key(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(i).array()),
                        new byte[valueBytes(r)]);
            }
        }
        if (t == MapType.RINGBUF) {
            m.memory = ByteBuffer.allocateDirect(4096 + 2 * r.maxEntries()).order(ByteOrder.nativeOrder());
        }
        int fd = open(m);
        calls.add("BPF_MAP_CREATE fd=" + fd + " " + t + " " + r.name());
        return fd;
    }

    @Override
    public synchronized boolean mapLookupElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags) {
        FakeMap m = map("BPF_MAP_LOOKUP_ELEM", mapFd);
        calls.add("BPF_MAP_LOOKUP_ELEM fd=" + mapFd);
        byte[] v;
        MapType t = MapType.of(m.spec.mapType());
        if (t == MapType.QUEUE || t == MapType.STACK) {
            v = t == MapType.QUEUE ? m.queue.peekFirst() : m.queue.peekLast();
        } else {
            v = m.entries.get(key(bytes(key, m.spec.keySize())));
        }
        if (v == null) {
            return false;
        }
        value.put(value.position(), v, 0, v.length);
        return true;
    }

    @Override
    public synchronized void mapUpdateElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags) {
        FakeMap m = map("BPF_MAP_UPDATE_ELEM", mapFd);
        calls.add("BPF_MAP_UPDATE_ELEM fd=" + mapFd + " flags=" + flags);
        if (m.frozen) {
            throw err("BPF_MAP_UPDATE_ELEM", Errno.EPERM);
        }
        MapType t = MapType.of(m.spec.mapType());
        byte[] v = bytes(value, valueBytes(m.spec));
        if (t == MapType.QUEUE || t == MapType.STACK) {
            if (m.queue.size() >= m.spec.maxEntries()) {
                throw err("BPF_MAP_UPDATE_ELEM", Errno.E2BIG);
            }
            m.queue.addLast(v);
            return;
        }
        String k = key(bytes(key, m.spec.keySize()));
        boolean present = m.entries.containsKey(k);
        if (t == MapType.ARRAY || t == MapType.PERCPU_ARRAY) {
            if (!present) {
                throw err("BPF_MAP_UPDATE_ELEM", Errno.E2BIG);
            }
            if (flags == 1) {
                throw err("BPF_MAP_UPDATE_ELEM", Errno.EEXIST);
            }
        } else {
            if (flags == 1 && present) {
                throw err("BPF_MAP_UPDATE_ELEM", Errno.EEXIST);
            }
            if (flags == 2 && !present) {
                throw err("BPF_MAP_UPDATE_ELEM", Errno.ENOENT);
            }
            if (!present && m.entries.size() >= m.spec.maxEntries()) {
                throw err("BPF_MAP_UPDATE_ELEM", Errno.E2BIG);
            }
        }
        m.entries.put(k, v);
    }

    @Override
    public synchronized boolean mapDeleteElem(int mapFd, ByteBuffer key) {
        FakeMap m = map("BPF_MAP_DELETE_ELEM", mapFd);
        calls.add("BPF_MAP_DELETE_ELEM fd=" + mapFd);
        MapType t = MapType.of(m.spec.mapType());
        if (t == MapType.ARRAY || t == MapType.PERCPU_ARRAY) {
            throw err("BPF_MAP_DELETE_ELEM", Errno.EINVAL);
        }
        return m.entries.remove(key(bytes(key, m.spec.keySize()))) != null;
    }

    @Override
    public synchronized boolean mapGetNextKey(int mapFd, ByteBuffer key, ByteBuffer nextKey) {
        FakeMap m = map("BPF_MAP_GET_NEXT_KEY", mapFd);
        calls.add("BPF_MAP_GET_NEXT_KEY fd=" + mapFd);
        Iterator<String> it = m.entries.keySet().iterator();
        if (key != null) {
            String k = key(bytes(key, m.spec.keySize()));
            boolean found = false;
            while (it.hasNext()) {
                if (it.next().equals(k)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                it = m.entries.keySet().iterator();
            }
        }
        if (!it.hasNext()) {
            return false;
        }
        String next = it.next();
        String[] parts = next.substring(1, next.length() - 1).split(", ");
        for (int i = 0; i < parts.length; i++) {
            nextKey.put(nextKey.position() + i, Byte.parseByte(parts[i]));
        }
        return true;
    }

    @Override
    public synchronized boolean mapLookupAndDeleteElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags) {
        FakeMap m = map("BPF_MAP_LOOKUP_AND_DELETE_ELEM", mapFd);
        calls.add("BPF_MAP_LOOKUP_AND_DELETE_ELEM fd=" + mapFd);
        MapType t = MapType.of(m.spec.mapType());
        byte[] v;
        if (t == MapType.QUEUE || t == MapType.STACK) {
            v = t == MapType.QUEUE ? m.queue.pollFirst() : m.queue.pollLast();
        } else {
            v = m.entries.remove(key(bytes(key, m.spec.keySize())));
        }
        if (v == null) {
            return false;
        }
        value.put(value.position(), v, 0, v.length);
        return true;
    }

    @Override
    public synchronized void mapFreeze(int mapFd) {
        map("BPF_MAP_FREEZE", mapFd).frozen = true;
        calls.add("BPF_MAP_FREEZE fd=" + mapFd);
    }

    @Override
    public synchronized BatchResult mapLookupBatch(int mapFd, ByteBuffer inBatch, ByteBuffer outBatch, ByteBuffer keys,
                                                   ByteBuffer values, int count, long elemFlags, boolean delete) {
        FakeMap m = map("BPF_MAP_LOOKUP_BATCH", mapFd);
        calls.add("BPF_MAP_LOOKUP_BATCH fd=" + mapFd);
        int start = inBatch == null ? 0 : inBatch.getInt(inBatch.position());
        List<Map.Entry<String, byte[]>> all = new ArrayList<>(m.entries.entrySet());
        int n = 0;
        int ks = m.spec.keySize();
        int vs = valueBytes(m.spec);
        List<String> toDelete = new ArrayList<>();
        for (int i = start; i < all.size() && n < count; i++, n++) {
            String k = all.get(i).getKey();
            String[] parts = k.substring(1, k.length() - 1).split(", ");
            for (int b = 0; b < ks; b++) {
                keys.put(keys.position() + n * ks + b, Byte.parseByte(parts[b]));
            }
            values.put(values.position() + n * vs, all.get(i).getValue(), 0, vs);
            toDelete.add(k);
        }
        if (delete) {
            toDelete.forEach(m.entries::remove);
        }
        outBatch.putInt(outBatch.position(), delete ? 0 : start + n);
        return new BatchResult(n, start + n >= all.size());
    }

    @Override
    public synchronized int mapUpdateBatch(int mapFd, ByteBuffer keys, ByteBuffer values, int count, long elemFlags) {
        FakeMap m = map("BPF_MAP_UPDATE_BATCH", mapFd);
        int ks = m.spec.keySize();
        int vs = valueBytes(m.spec);
        for (int i = 0; i < count; i++) {
            mapUpdateElem(mapFd, keys.duplicate().position(keys.position() + i * ks),
                    values.duplicate().position(values.position() + i * vs), elemFlags);
        }
        return count;
    }

    @Override
    public synchronized int mapDeleteBatch(int mapFd, ByteBuffer keys, int count, long elemFlags) {
        FakeMap m = map("BPF_MAP_DELETE_BATCH", mapFd);
        int ks = m.spec.keySize();
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (mapDeleteElem(mapFd, keys.duplicate().position(keys.position() + i * ks))) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized ProgLoadResult progLoad(ProgLoadRequest r) {
        loads.add(r);
        calls.add("BPF_PROG_LOAD " + r.name() + " log_level=" + r.logLevel()
                + (r.logBuf() == null ? "" : " log_size=" + r.logBuf().remaining()));
        if (loadErrno != null) {
            if (r.logLevel() > 0 && verifierLog != null) {
                byte[] log = verifierLog.getBytes(StandardCharsets.UTF_8);
                int room = r.logBuf().remaining();
                int n = Math.min(log.length, room - 1);
                r.logBuf().put(r.logBuf().position(), log, 0, Math.max(0, n));
                r.logBuf().put(r.logBuf().position() + Math.max(0, n), (byte) 0);
                if (log.length + 1 > room) {
                    return new ProgLoadResult(-1, Errno.ENOSPC, log.length + 1);
                }
                return new ProgLoadResult(-1, loadErrno, log.length + 1);
            }
            return new ProgLoadResult(-1, loadErrno, 0);
        }
        byte[] insns = bytes(r.insns(), r.insns().remaining());
        FakeProgram prog = new FakeProgram(r, insns);
        int fd = open(prog);
        objectIds.put(prog, fd);
        return new ProgLoadResult(fd, null, 0);
    }

    @Override
    public synchronized ProgTestRunResult progTestRun(int progFd, ProgTestRunRequest r) {
        if (!(objects.get(progFd) instanceof FakeProgram)) {
            throw err("BPF_PROG_TEST_RUN", Errno.EBADF);
        }
        calls.add("BPF_PROG_TEST_RUN fd=" + progFd);
        byte[] ctx = r.ctxIn() == null ? new byte[0] : bytes(r.ctxIn(), r.ctxIn().remaining());
        int ret = testRunner.apply(ctx);
        if (r.ctxIn() != null) {
            r.ctxIn().put(r.ctxIn().position(), ctx, 0, ctx.length);
        }
        return new ProgTestRunResult(ret, 1, 0, 0);
    }

    @Override
    public synchronized int btfLoad(ByteBuffer btf, ByteBuffer logBuf, int logLevel) {
        calls.add("BPF_BTF_LOAD size=" + btf.remaining());
        return open(new FakeFd("btf", bytes(btf, btf.remaining()).length + " bytes"));
    }

    @Override
    public synchronized void objPin(int fd, String path) {
        Object o = objects.get(fd);
        if (o == null) {
            throw err("BPF_OBJ_PIN", Errno.EBADF);
        }
        if (pins.containsKey(path)) {
            throw err("BPF_OBJ_PIN", Errno.EEXIST);
        }
        pins.put(path, o);
        calls.add("BPF_OBJ_PIN " + path);
    }

    @Override
    public synchronized int objGet(String path, int fileFlags) {
        Object o = pins.get(path);
        if (o == null) {
            throw err("BPF_OBJ_GET", Errno.ENOENT);
        }
        calls.add("BPF_OBJ_GET " + path);
        return open(o);
    }

    /** Removes a fake pin (the fake has no file system). */
    public synchronized boolean unpin(String path) {
        return pins.remove(path) != null;
    }

    @Override
    public synchronized int objGetInfoByFd(int fd, ByteBuffer info) {
        Object o = objects.get(fd);
        if (o instanceof FakeMap) {
            MapCreateRequest s = ((FakeMap) o).spec;
            int p = info.position();
            info.putInt(p, s.mapType());
            info.putInt(p + 4, fd);
            info.putInt(p + 8, s.keySize());
            info.putInt(p + 12, s.valueSize());
            info.putInt(p + 16, s.maxEntries());
            info.putInt(p + 20, s.flags());
            byte[] name = s.name().getBytes(StandardCharsets.US_ASCII);
            info.put(p + 24, name, 0, name.length);
            return 88;
        }
        if (o instanceof FakeFd && (((FakeFd) o).kind().equals("link") || ((FakeFd) o).kind().equals("raw_tracepoint"))) {
            // struct bpf_link_info: type, id, prog_id; the fake's link id is its fd.
            info.putInt(info.position() + 4, fd);
            return 16;
        }
        if (o instanceof FakeTargetLink) {
            // struct bpf_link_info: type, id (the fake's id is the fd the link was made with), prog_id, union at 16.
            LinkCreateRequest r = ((FakeTargetLink) o).request();
            int p = info.position();
            int type = r.attachType() == 37 ? 6 : r.attachType() == 46 || r.attachType() == 47 ? 11 : r.attachType() <= 2 ? 3 : 2;
            info.putInt(p, type);
            info.putInt(p + 4, objectIds.getOrDefault(o, fd));
            info.putInt(p + 8, linkPrograms.getOrDefault(o, r.progFd()));
            info.putInt(p + 16, r.target());
            info.putInt(p + 20, r.attachType());
            return 24;
        }
        if (o instanceof FakeProgram) {
            ProgLoadRequest r = ((FakeProgram) o).request;
            int p = info.position();
            info.putInt(p, r.progType());
            info.putInt(p + 4, objectIds.getOrDefault(o, fd));
            byte[] name = r.name().getBytes(StandardCharsets.US_ASCII);
            info.put(p + 64, name, 0, name.length);
            return 80;
        }
        throw err("BPF_OBJ_GET_INFO_BY_FD", Errno.EBADF);
    }

    @Override
    public synchronized int rawTracepointOpen(String name, int progFd) {
        calls.add("BPF_RAW_TRACEPOINT_OPEN " + name);
        return open(new FakeFd("raw_tracepoint", name));
    }

    @Override
    public synchronized int linkCreate(int progFd, int targetFd, int attachType, int flags, long cookie) {
        calls.add("BPF_LINK_CREATE prog=" + progFd + " target=" + targetFd + " type=" + attachType
                + (cookie == 0 ? "" : " cookie=" + cookie));
        if (linkCreateErrno != null) {
            throw err("BPF_LINK_CREATE", linkCreateErrno);
        }
        return open(new FakeFd("link", "prog " + progFd + " -> " + targetFd));
    }

    @Override
    public synchronized int linkCreate(LinkCreateRequest r) {
        calls.add("BPF_LINK_CREATE prog=" + r.progFd() + " target=" + r.target() + " type=" + r.attachType()
                + " flags=" + r.flags() + (r.relative() == 0 ? "" : " relative=" + r.relative())
                + (r.expectedRevision() == 0 ? "" : " revision=" + r.expectedRevision()));
        if (!(objects.get(r.progFd()) instanceof FakeProgram)) {
            throw err("BPF_LINK_CREATE", Errno.EBADF);
        }
        Errno failure = targetLinkFailure.apply(r);
        if (failure != null) {
            throw err("BPF_LINK_CREATE", failure);
        }
        FakeTargetLink link = new FakeTargetLink(r);
        Object prog = objects.get(r.progFd());
        int progId = objectIds.get(prog);
        if (r.attachType() == 37) {
            // XDP: one program per interface and mode, as net/core/dev.c's dev_xdp_attach decides.
            Errno busy = xdpAttach(r.target(), r.flags(), prog, progId, r.progFd(), -1, link);
            if (busy != null) {
                throw err("BPF_LINK_CREATE", busy);
            }
        }
        if ((r.attachType() == 46 || r.attachType() == 47) && objects.values().stream().anyMatch(o -> o instanceof FakeTargetLink
                && ((FakeTargetLink) o).request().target() == r.target()
                && ((FakeTargetLink) o).request().attachType() == r.attachType() && linkPrograms.get(o) == progId)) {
            throw err("BPF_LINK_CREATE", Errno.EEXIST);   // tcx runs a program once per hook (kernel/bpf/mprog.c)
        }
        int fd = open(link);
        objectIds.put(link, fd);
        linkPrograms.put(link, progId);
        return fd;
    }

    /** Mode flag of {@code XDP_FLAGS_*}: offload, driver, skb; none means driver (every fake interface has native XDP). */
    private static int xdpMode(int flags) {
        return (flags & 8) != 0 ? 8 : (flags & 4) != 0 ? 4 : (flags & 2) != 0 ? 2 : 4;
    }

    /**
     * Sets ({@code prog} non-null) or removes the XDP program of {@code ifindex}, in the order of
     * the kernel's checks (net/core/dev.c, dev_xdp_attach): a link's mode is taken (EBUSY); a link
     * cannot replace a program (EBUSY); REPLACE with another program there (EEXIST); UPDATE_IF_NOEXIST
     * with one there (EBUSY); generic and driver at once (EEXIST).
     */
    private Errno xdpAttach(int ifindex, int flags, Object prog, int progId, int progFd, int expectedFd, Object link) {
        int mode = xdpMode(flags);
        Map<Integer, XdpSlot> slots = xdpSlots.computeIfAbsent(ifindex, k -> new HashMap<>());
        XdpSlot cur = slots.get(mode);
        if (cur != null && cur.link() != null || link != null && cur != null) {
            return Errno.EBUSY;
        }
        if ((flags & 16) != 0 && (cur == null ? 0 : cur.progId()) != (expectedFd <= 0 ? 0
                : objectIds.getOrDefault(objects.get(expectedFd), -1))) {
            return Errno.EEXIST;
        }
        if ((flags & 1) != 0 && cur != null && prog != null) {
            return Errno.EBUSY;
        }
        if (prog == null) {
            slots.remove(mode);
            return null;
        }
        int other = mode == 2 ? 4 : mode == 4 ? 2 : 0;
        if (other != 0 && slots.containsKey(other)) {
            return Errno.EEXIST;
        }
        slots.put(mode, new XdpSlot(prog, progId, progFd, link));
        return null;
    }

    @Override
    public synchronized int linkGetNextId(int startId) {
        calls.add("BPF_LINK_GET_NEXT_ID " + startId);
        // The fake's ids are the fds of the links it made.
        return objects.entrySet().stream()
                .filter(e -> e.getKey() > startId && (e.getValue() instanceof FakeTargetLink
                        || e.getValue() instanceof FakeFd && ((FakeFd) e.getValue()).kind().equals("link")))
                .mapToInt(Map.Entry::getKey).min().orElse(0);
    }

    @Override
    public synchronized int linkGetFdById(int id) {
        calls.add("BPF_LINK_GET_FD_BY_ID " + id);
        Object o = objects.get(id);
        if (!(o instanceof FakeTargetLink)) {
            throw err("BPF_LINK_GET_FD_BY_ID", Errno.ENOENT);
        }
        return open(o);
    }

    @Override
    public synchronized int progGetFdById(int id) {
        calls.add("BPF_PROG_GET_FD_BY_ID " + id);
        Object o = objects.values().stream().filter(v -> v instanceof FakeProgram && objectIds.get(v) == id).findFirst()
                .orElse(xdpSlots.values().stream().flatMap(m -> m.values().stream()).filter(s -> s.progId() == id)
                        .map(XdpSlot::program).findFirst().orElse(null));
        if (o == null) {
            throw err("BPF_PROG_GET_FD_BY_ID", Errno.ENOENT);
        }
        return open(o);
    }

    @Override
    public synchronized void progAttach(int targetFd, int progFd, int attachType, int flags) {
        calls.add("BPF_PROG_ATTACH target=" + targetFd + " prog=" + progFd + " type=" + attachType + " flags=" + flags);
        if (!(objects.get(progFd) instanceof FakeProgram) || !(objects.get(targetFd) instanceof FakeFd)) {
            throw err("BPF_PROG_ATTACH", Errno.EBADF);
        }
        Errno failure = targetLinkFailure.apply(new LinkCreateRequest(progFd, targetFd, attachType, flags));
        if (failure != null) {
            throw err("BPF_PROG_ATTACH", failure);
        }
        attachedToTargets.add(targetFd + "/" + progFd + "/" + attachType);
    }

    @Override
    public synchronized void progDetach(int targetFd, int progFd, int attachType) {
        calls.add("BPF_PROG_DETACH target=" + targetFd + " prog=" + progFd + " type=" + attachType);
        if (!attachedToTargets.remove(targetFd + "/" + progFd + "/" + attachType)) {
            throw err("BPF_PROG_DETACH", Errno.ENOENT);
        }
    }

    /** The legacy attachments ({@code BPF_PROG_ATTACH}) not yet detached, as {@code targetFd/progFd/attachType}. */
    public synchronized Set<String> progAttachments() {
        return Set.copyOf(attachedToTargets);
    }

    @Override
    public synchronized void linkUpdate(int linkFd, int newProgFd, int oldProgFd) {
        calls.add("BPF_LINK_UPDATE link=" + linkFd + " prog=" + newProgFd + " old=" + oldProgFd);
        Object o = objects.get(linkFd);
        Object prog = objects.get(newProgFd);
        if (!(o instanceof FakeTargetLink) || !(prog instanceof FakeProgram)) {
            throw err("BPF_LINK_UPDATE", Errno.EBADF);
        }
        int progId = objectIds.get(prog);
        linkPrograms.put(o, progId);
        xdpSlots.values().forEach(m -> m.replaceAll((mode, s) -> s.link() == o ? new XdpSlot(prog, progId, newProgFd, o) : s));
    }

    // ---- other syscalls -----------------------------------------------------------------------

    /** A fake rtnetlink socket: the answers waiting to be received. */
    private static final class FakeNetlink {
        final Deque<byte[]> answers = new ArrayDeque<>();
    }

    @Override
    public synchronized int socket(int domain, int type, int protocol) {
        calls.add("socket " + domain + " " + (type & 0xf) + " " + protocol);
        if (domain != 16 || protocol != 0) {
            throw err("socket", Errno.EAFNOSUPPORT);
        }
        return open(new FakeNetlink());
    }

    @Override
    public synchronized void bind(int fd, ByteBuffer address) {
        if (!(objects.get(fd) instanceof FakeNetlink)) {
            throw err("bind", Errno.EBADF);
        }
    }

    @Override
    public synchronized int send(int fd, ByteBuffer message) {
        Object o = objects.get(fd);
        if (!(o instanceof FakeNetlink)) {
            throw err("send", Errno.EBADF);
        }
        ByteBuffer m = message.duplicate().order(java.nio.ByteOrder.nativeOrder());
        int p = m.position();
        int len = m.getInt(p);
        int type = m.getShort(p + 4) & 0xffff;
        int flags = m.getShort(p + 6) & 0xffff;
        int seq = m.getInt(p + 8);
        String call;
        Errno result = null;
        int dumpCount = -1;
        List<byte[]> dump = new ArrayList<>();
        byte[] answer = null;
        if (type == 19) {   // RTM_SETLINK with IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS [, IFLA_XDP_EXPECTED_FD] }
            int ifindex = m.getInt(p + 16 + 4);
            ByteBuffer xdp = attribute(m, p + 32, p + len, 43);
            int xdpFd = u32(xdp, 1);
            int xdpFlags = u32(xdp, 3);
            int expected = u32(xdp, 8);
            call = "netlink RTM_SETLINK ifindex=" + ifindex + " xdp_fd=" + xdpFd + " flags=" + xdpFlags;
            Object prog = objects.get(xdpFd);
            if (xdpFd >= 0 && !(prog instanceof FakeProgram)) {
                result = Errno.EBADF;
            } else {
                result = xdpAttach(ifindex, xdpFlags, xdpFd >= 0 ? prog : null, xdpFd >= 0 ? objectIds.get(prog) : 0, xdpFd,
                        expected, null);
            }
        } else if (type == 18) {   // RTM_GETLINK: one RTM_NEWLINK with IFLA_XDP, as rtnl_xdp_fill writes it
            int ifindex = m.getInt(p + 16 + 4);
            call = "netlink RTM_GETLINK ifindex=" + ifindex;
            if (!interfaces.containsValue(ifindex)) {
                result = Errno.ENODEV;
            } else {
                answer = newLink(ifindex, seq);
            }
        } else {
            int ifindex = m.getInt(p + 16 + 4);
            int handle = m.getInt(p + 16 + 8);
            int parent = m.getInt(p + 16 + 12);
            int info = m.getInt(p + 16 + 16);
            String side = parent == 0xFFFFFFF3 ? "egress" : "ingress";
            String filter = ifindex + "/" + side + "/" + (info >>> 16) + "/" + handle;
            switch (type) {
                case 36:
                    call = "netlink RTM_NEWQDISC clsact ifindex=" + ifindex;
                    result = clsactQdiscs.add(ifindex) ? null : Errno.EEXIST;
                    break;
                case 37:
                    call = "netlink RTM_DELQDISC clsact ifindex=" + ifindex;
                    result = clsactQdiscs.remove(ifindex) ? null : Errno.EINVAL;
                    tcFilters.removeIf(f -> f.startsWith(ifindex + "/"));
                    break;
                case 44:
                    call = "netlink RTM_NEWTFILTER bpf " + filter + " flags=0x" + Integer.toHexString(flags);
                    result = !clsactQdiscs.contains(ifindex) ? Errno.EINVAL : tcFilters.add(filter) ? null : Errno.EEXIST;
                    if (result == null) {
                        ByteBuffer options = attribute(m, p + 36, p + len, 2);
                        ByteBuffer name = attribute(options, 0, options == null ? 0 : options.limit(), 7);
                        String text = name == null ? "" : StandardCharsets.US_ASCII.decode(name).toString().replace("\0", "");
                        tcFilterPrograms.put(filter, new TcFilterProgram(objectIds.getOrDefault(objects.get(u32(options, 6)), 0),
                                text));
                    }
                    break;
                case 45:
                    call = "netlink RTM_DELTFILTER " + filter;
                    result = tcFilters.remove(filter) ? null : Errno.ENOENT;
                    tcFilterPrograms.remove(filter);
                    break;
                case 46:
                    call = "netlink RTM_GETTFILTER dump ifindex=" + ifindex + " " + side;
                    tcFilters.stream().filter(f -> f.startsWith(ifindex + "/" + side + "/")).sorted()
                            .forEach(f -> dump.add(filterMessage(f, parent, seq)));
                    dumpCount = dump.size();
                    break;
                default:
                    call = "netlink type " + type;
                    result = Errno.EOPNOTSUPP;
            }
        }
        calls.add(call);
        Errno forced = netlinkFailure.apply(call);
        if (forced != null) {
            result = forced;
        }
        FakeNetlink nl = (FakeNetlink) o;
        if (forced == null) {
            nl.answers.addAll(dump);
            if (answer != null && result == null) {
                nl.answers.add(answer);
            }
        }
        if (dumpCount >= 0 && result == null) {
            nl.answers.add(netlinkHeader(16, 3, seq));          // NLMSG_DONE
        } else {
            byte[] ack = netlinkHeader(36, 2, seq);             // NLMSG_ERROR: error, then the request's header
            ByteBuffer.wrap(ack).order(java.nio.ByteOrder.nativeOrder()).putInt(16, result == null ? 0 : -result.number());
            nl.answers.add(ack);
        }
        return len;
    }

    /** An RTM_NEWLINK answer for {@code ifindex}: ifinfomsg, then IFLA_XDP with what each mode holds. */
    private byte[] newLink(int ifindex, int seq) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        b.position(16).put((byte) 0).put((byte) 0).putShort((short) 1).putInt(ifindex).putInt(0).putInt(0);
        int nest = b.position();
        b.putShort((short) 0).putShort((short) (43 | 0x8000));
        Map<Integer, XdpSlot> slots = xdpSlots.getOrDefault(ifindex, Map.of());
        int attached = slots.size() > 1 ? 4 : slots.containsKey(2) ? 2 : slots.containsKey(4) ? 1 : slots.containsKey(8) ? 3 : 0;
        b.putShort((short) 5).putShort((short) 2).put((byte) attached).put(new byte[3]);    // IFLA_XDP_ATTACHED
        int[][] modes = {{2, 6}, {4, 5}, {8, 7}};   // skb, drv, hw -> IFLA_XDP_{SKB,DRV,HW}_PROG_ID
        for (int[] mode : modes) {
            XdpSlot slot = slots.get(mode[0]);
            if (slot != null) {
                b.putShort((short) 8).putShort((short) mode[1]).putInt(slot.progId());
            }
        }
        if (slots.size() == 1) {
            b.putShort((short) 8).putShort((short) 4).putInt(slots.values().iterator().next().progId());   // IFLA_XDP_PROG_ID
        }
        b.putShort(nest, (short) (b.position() - nest));
        int len = b.position();
        b.putInt(0, len).putShort(4, (short) 16).putInt(8, seq);
        return Arrays.copyOf(b.array(), len);
    }

    /** An RTM_NEWTFILTER dump message for filter {@code f} (ifindex/side/priority/handle): tcmsg, kind, options. */
    private byte[] filterMessage(String f, int parent, int seq) {
        String[] parts = f.split("/");
        TcFilterProgram prog = tcFilterPrograms.getOrDefault(f, new TcFilterProgram(0, ""));
        byte[] name = (prog.name() + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(128 + name.length).order(ByteOrder.nativeOrder());
        b.position(16).putInt(0).putInt(Integer.parseInt(parts[0])).putInt(Integer.parseInt(parts[3])).putInt(parent)
                .putInt(Integer.parseInt(parts[2]) << 16 | 0x0300);
        b.putShort((short) 8).putShort((short) 1).put("bpf\0".getBytes(StandardCharsets.US_ASCII));   // TCA_KIND
        int nest = b.position();
        b.putShort((short) 0).putShort((short) (2 | 0x8000));                                          // TCA_OPTIONS
        b.putShort((short) 8).putShort((short) 11).putInt(prog.progId());                                // TCA_BPF_ID
        b.putShort((short) (4 + name.length)).putShort((short) 7).put(name);                             // TCA_BPF_NAME
        while ((b.position() & 3) != 0) {
            b.put((byte) 0);
        }
        b.putShort(nest, (short) (b.position() - nest));
        int len = b.position();
        b.putInt(0, len).putShort(4, (short) 44).putInt(8, seq);
        return Arrays.copyOf(b.array(), len);
    }

    /** The payload of the first netlink attribute of {@code type} in {@code b}[from, to), or null. */
    private static ByteBuffer attribute(ByteBuffer b, int from, int to, int type) {
        for (int p = from; b != null && p + 4 <= to; ) {
            int len = b.getShort(p) & 0xffff;
            if (len < 4 || p + len > to) {
                return null;
            }
            if ((b.getShort(p + 2) & 0x3fff) == type) {
                return b.duplicate().position(p + 4).limit(p + len).slice().order(ByteOrder.nativeOrder());
            }
            p += (len + 3) & ~3;
        }
        return null;
    }

    /** The u32 attribute {@code type} in {@code nest}, or -1 if absent. */
    private static int u32(ByteBuffer nest, int type) {
        ByteBuffer v = attribute(nest, 0, nest == null ? 0 : nest.limit(), type);
        return v == null ? -1 : v.getInt(0);
    }

    private static byte[] netlinkHeader(int len, int type, int seq) {
        byte[] b = new byte[len];
        ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).putInt(0, len).putShort(4, (short) type).putInt(8, seq);
        return b;
    }

    @Override
    public synchronized int recv(int fd, ByteBuffer buffer) {
        Object o = objects.get(fd);
        if (!(o instanceof FakeNetlink)) {
            throw err("recv", Errno.EBADF);
        }
        byte[] a = ((FakeNetlink) o).answers.poll();
        if (a == null) {
            throw err("recv (the fake would block: nothing was asked)", Errno.EAGAIN);
        }
        buffer.put(buffer.position(), a);
        return a.length;
    }

    @Override
    public synchronized int interfaceIndex(String name) {
        calls.add("if_nametoindex " + name);
        return interfaces.getOrDefault(name, 0);
    }

    @Override
    public synchronized int openDirectory(Path path) {
        calls.add("open " + path);
        if (inaccessible.contains(path)) {
            throw err("open " + path, Errno.EACCES);
        }
        if (!dirs.contains(path)) {
            throw err("open " + path, files.containsKey(path) ? Errno.ENOTDIR : Errno.ENOENT);
        }
        return open(new FakeFd("dir", path.toString()));
    }

    @Override
    public synchronized int perfEventOpen(PerfEventAttr attr, int pid, int cpu, int groupFd, long flags) {
        calls.add("perf_event_open type=" + attr.type() + " config=" + attr.config() + " pid=" + pid + " cpu=" + cpu
                + (attr.probePath() == null ? "" : " path=" + attr.probePath()) + " config2=" + attr.config2());
        Errno failure = perfEventFailure.apply(attr);
        if (failure != null) {
            throw err("perf_event_open", failure);
        }
        return open(new FakeFd("perf_event", attr.toString()));
    }

    @Override
    public synchronized int ioctl(int fd, long request, long arg) {
        calls.add("ioctl fd=" + fd + " 0x" + Long.toHexString(request) + " " + arg);
        if (!objects.containsKey(fd)) {
            throw err("ioctl", Errno.EBADF);
        }
        return 0;
    }

    @Override
    public synchronized MappedRegion mmap(long length, int prot, int flags, int fd, long offset) {
        Object o = objects.get(fd);
        calls.add("mmap fd=" + fd + " len=" + length + " off=" + offset + " prot=" + prot);
        if (!(o instanceof FakeMap) || ((FakeMap) o).memory == null) {
            throw err("mmap", Errno.ENODEV);
        }
        ByteBuffer mem = ((FakeMap) o).memory;
        if (offset + length > mem.capacity()) {
            throw err("mmap", Errno.EINVAL);
        }
        ByteBuffer view = mem.duplicate().position((int) offset).limit((int) (offset + length)).slice()
                .order(ByteOrder.nativeOrder());
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(view));
        if ((prot & PROT_WRITE) == 0) {
            view = view.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        }
        return new MappedRegion(address, length, view);
    }

    @Override
    public synchronized void munmap(MappedRegion region) {
        calls.add("munmap len=" + region.length());
    }

    @Override
    public synchronized int epollCreate1(int flags) {
        int fd = open(new FakeFd("epoll", ""));
        epollInterest.put(fd, new TreeSet<>());
        calls.add("epoll_create1 fd=" + fd);
        return fd;
    }

    @Override
    public synchronized void epollCtl(int epfd, int op, int fd, int events, long data) {
        Set<Integer> interest = epollInterest.get(epfd);
        if (interest == null) {
            throw err("epoll_ctl", Errno.EBADF);
        }
        calls.add("epoll_ctl epfd=" + epfd + " op=" + op + " fd=" + fd + " data=" + data);
        if (op == EPOLL_CTL_DEL) {
            interest.remove(fd);
        } else {
            interest.add(fd);
        }
    }

    @Override
    public int epollWait(int epfd, EpollEvents events, int timeoutMillis) {
        synchronized (this) {
            int n = 0;
            while (n < events.capacity() && !readyEvents.isEmpty()) {
                long[] e = readyEvents.poll();
                events.set(n++, (int) e[0], e[1]);
            }
            return n;
        }
    }

    @Override
    public synchronized int eventfd(int initialValue, int flags) {
        return open(new FakeFd("eventfd", Integer.toString(initialValue)));
    }

    @Override
    public synchronized void eventfdWrite(int fd, long value) {
        calls.add("eventfd_write fd=" + fd + " " + value);
    }

    @Override
    public synchronized long eventfdRead(int fd) {
        return 0;
    }

    /** The CPUs a thread may run on until pinned; then each thread's own, as {@link #threadAffinity} reports them. */
    private volatile int[] allCpus = {0, 1};
    private final ThreadLocal<int[]> affinity = ThreadLocal.withInitial(() -> allCpus.clone());

    /** The CPUs a thread may run on before it is pinned (default 0 and 1). */
    public synchronized void setAllowedCpus(int... cpus) {
        this.allCpus = cpus.clone();
    }

    @Override
    public int[] threadAffinity() {
        return affinity.get().clone();
    }

    @Override
    public synchronized void setThreadAffinity(int[] cpus) {
        calls.add("sched_setaffinity " + Arrays.toString(cpus));
        for (int c : cpus) {
            if (Arrays.stream(allCpus).noneMatch(a -> a == c)) {
                throw new BpfException("sched_setaffinity", Errno.EINVAL, null);
            }
        }
        affinity.set(cpus.clone());
    }

    @Override
    public synchronized void mount(String source, String target, String fsType, long flags) {
        calls.add("mount " + fsType + " " + target);
        mountAction.run();
    }

    @Override
    public synchronized PathKind pathKind(Path path) {
        for (Path p = path; p != null; p = p.getParent()) {
            if (inaccessible.contains(p) && !p.equals(path)) {
                return PathKind.NOT_ACCESSIBLE;
            }
        }
        return dirs.contains(path) ? PathKind.DIRECTORY
                : files.containsKey(path) || binaryFiles.containsKey(path) ? PathKind.FILE : PathKind.MISSING;
    }

    @Override
    public synchronized String readFile(Path path) throws IOException {
        if (pathKind(path) == PathKind.NOT_ACCESSIBLE) {
            throw new java.nio.file.AccessDeniedException(path.toString());
        }
        if (inaccessible.contains(path) && files.containsKey(path)) {
            // A file that exists but refuses to be opened (EPERM from the kernel), as tracefs files can.
            throw new java.nio.file.AccessDeniedException(path.toString(), null, "Operation not permitted");
        }
        String text = files.get(path);
        if (text == null) {
            throw new NoSuchFileException(path.toString());
        }
        return text;
    }

    @Override
    public synchronized byte[] readBinaryFile(Path path) throws IOException {
        byte[] b = binaryFiles.get(path);
        if (b == null) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        return b.clone();
    }

    @Override
    public void appendFile(Path path, String text) throws IOException {
        AppendHandler h;
        synchronized (this) {
            calls.add("write " + path + " " + text.trim());
            if (!files.containsKey(path)) {
                throw new NoSuchFileException(path.toString());
            }
            h = appendHandler;
        }
        h.append(this, path, text);
    }

    @Override
    public synchronized void close(int fd) {
        Object o = objects.remove(fd);
        if (o == null) {
            throw err("close(" + fd + ")", Errno.EBADF);
        }
        if (o instanceof FakeTargetLink && objects.values().stream().noneMatch(v -> v == o)) {
            // The link's last fd: the kernel detaches it.
            xdpSlots.values().forEach(m -> m.values().removeIf(s -> s.link() == o));
        }
        epollInterest.remove(fd);
        calls.add("close " + fd);
    }

    /** An unmodifiable view of the pins (path → object). */
    public synchronized Map<String, Object> pins() {
        return Collections.unmodifiableMap(new HashMap<>(pins));
    }
}
