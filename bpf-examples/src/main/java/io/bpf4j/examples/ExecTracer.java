package io.bpf4j.examples;

import static io.bpf4j.examples.ExecPrograms.EXEC;

import io.bpf4j.compiler.BpfCompiler;
import io.bpf4j.compiler.CompiledProgram;
import io.bpf4j.compiler.MapDef;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.structs.RecordCodec;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.StructView;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.tracepoint.TracepointField;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.LinkInfo;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.Tracefs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The user-space side of {@code execsnoop} (Lab 5.4, Part 4): creates the maps, loads the
 * programs of {@link ExecPrograms}, attaches them, and turns ring-buffer records into
 * {@link ExecEvent}s. Closing it detaches the programs and closes every map, in reverse order.
 *
 * <pre>{@code
 * try (ExecTracer t = ExecTracer.attach(new ExecTracer.Config(Attach.AUTO, Optional.empty(), false, false),
 *         System.err::println)) {
 *     t.poll(Duration.ofSeconds(1), e -> System.out.println(e));
 * }
 * }</pre>
 */
public final class ExecTracer implements AutoCloseable {
    /** Ring-buffer size: room for about 450 events between two polls. */
    static final int RING_BYTES = 256 * 1024;

    /** Where to attach: {@code --attach kprobe|tracepoint|auto}. */
    public enum Attach {
        /** do_execveat_common's kprobe (and kretprobe with --latency); fails where kprobes are missing. */
        KPROBE,
        /** sched/sched_process_exec (with --latency: syscalls/sys_{enter,exit}_execve{,at}). */
        TRACEPOINT,
        /** The kprobe if the kernel allows it, else the tracepoints. */
        AUTO
    }

    /**
     * What to trace.
     *
     * @param attach where
     * @param uid only this user's execs, if present
     * @param latency entry and return probes, with durations and return values
     * @param args also the argument strings
     * @param cgroupId only execs in the cgroup v2 with this id, if present ({@link #cgroupId(Path)})
     * @param failedOnly only failed execs, found at exec's return ({@code -x})
     * @param compiled the tracer written as a Java method ({@link CompiledExecTracer}) instead of the
     *     DSL's programs: the sched_process_exec tracepoint, without latency, return values or arguments
     */
    public record Config(Attach attach, Optional<Integer> uid, boolean latency, boolean args,
                         OptionalLong cgroupId, boolean failedOnly, boolean compiled) {
        /** Every exec (no cgroup filter, successful ones too). */
        public Config(Attach attach, Optional<Integer> uid, boolean latency, boolean args) {
            this(attach, uid, latency, args, OptionalLong.empty(), false, false);
        }

        /** The DSL's programs. */
        public Config(Attach attach, Optional<Integer> uid, boolean latency, boolean args, OptionalLong cgroupId,
                      boolean failedOnly) {
            this(attach, uid, latency, args, cgroupId, failedOnly, false);
        }

        /** True when the return of exec is probed: {@code --latency}, or {@code -x} (failed execs only). */
        boolean probesReturn() {
            return latency || failedOnly;
        }
    }

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final BpfMap drops;
    /** The key of the drop counter in {@link #drops}. */
    private final int dropsKey;
    private final boolean compiled;
    private final RingBufferReader reader;
    private final StructView view = EXEC.view();
    private final boolean latency;
    private String attachedTo = "";
    private final Consumer<String> notice;

    private ExecTracer(Config config, Consumer<String> notice) {
        this.notice = notice;
        this.compiled = config.compiled();
        this.latency = !compiled && config.probesReturn();
        this.dropsKey = compiled ? CompiledExecTracer.DROPPED : 0;
        boolean ok = false;
        try {
            BpfMap[] maps = compiled ? attachCompiled(config) : attachDsl(config);
            drops = maps[1];
            reader = keep(RingBufferReader.open(maps[0]));
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** The DSL's programs ({@link ExecPrograms}); returns the ring buffer and the drop counter. */
    private BpfMap[] attachDsl(Config config) {
        BpfMap drops;
        // tag::maps[]
        BpfMap events = keep(BpfMap.create(MapSpec.ringBuf("exec_events", RING_BYTES)));
        drops = keep(BpfMap.create(MapSpec.array("exec_drops", Long.BYTES, 1)));
        BpfMap starts = keep(BpfMap.create(MapSpec.lruHash("exec_starts", Long.BYTES,
                ExecPrograms.START.size(), 10_240)));
        // end::maps[]
        ExecPrograms programs = new ExecPrograms(Btf.kernel(), config.uid(), config.cgroupId(), config.args(),
                config.failedOnly());
        List<BpfMap> maps = List.of(events, drops, starts);
        // The kprobe fires as exec starts, before the new program's arguments exist; the
        // kretprobe of --latency and the tracepoints run after exec has succeeded.
        boolean kprobeHasArgs = !config.args() || latency;
        if (config.attach() == Attach.KPROBE && !kprobeHasArgs) {
            throw new IllegalArgumentException("--args needs --attach tracepoint (or --latency): the kprobe"
                    + " fires before the new program's arguments exist");
        }
        if (config.attach() == Attach.KPROBE || config.attach() == Attach.AUTO && kprobeHasArgs) {
            try {
                attachKprobes(programs, maps);
            } catch (BpfException e) {
                if (config.attach() == Attach.KPROBE) {
                    throw e;
                }
                closeLinks();
                attachedTo = "";
                String instead = latency ? "the syscalls/sys_{enter,exit}_execve{,at} tracepoints"
                        : "the sched/sched_process_exec tracepoint";
                notice.accept(e.errno() == Errno.EOPNOTSUPP
                        ? "this kernel has no kprobes (CONFIG_KPROBES is off): using " + instead
                        : "no kprobe on do_execveat_common (" + e.errno() + ": " + e.hint() + "): using " + instead);
            }
        }
        if (attachedTo.isEmpty()) {
            attachTracepoints(programs, maps);
        }
        return new BpfMap[] {events, drops};
    }

    /** Creates the maps, loads and attaches the programs; {@code notice} hears of a fallback. */
    public static ExecTracer attach(Config config, Consumer<String> notice) {
        return new ExecTracer(config, notice);
    }

    private void attachKprobes(ExecPrograms p, List<BpfMap> maps) {
        if (latency) {
            attach(p.kprobeEnter(), maps);
            attach(p.kretprobeExit(), maps);
        } else {
            attach(p.kprobeExec(), maps);
        }
    }

    private void attachTracepoints(ExecPrograms p, List<BpfMap> maps) {
        if (latency) {
            for (String call : List.of("execve", "execveat")) {
                attach(p.tracepointEnter(format("syscalls", "sys_enter_" + call)), maps);
                attach(p.tracepointExit(format("syscalls", "sys_exit_" + call)), maps);
            }
        } else {
            attach(p.tracepointExec(format("sched", "sched_process_exec")), maps);
        }
    }

    /** The layout of a tracepoint's record, from its tracefs {@code format} file. */
    private static TracepointFormat format(String category, String event) {
        try {
            return TracepointFormat.load(Tracefs.formatPath(category, event));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the format of tracepoint " + category + "/" + event + ": "
                    + (e instanceof java.nio.file.AccessDeniedException ? "tracefs files are root's (mode 0440): run as uid 0"
                    + " or add CAP_DAC_READ_SEARCH" : e.getMessage()), e);
        }
    }

    /**
     * {@code --compiled}: compiles {@link CompiledExecTracer#onExec}, creates the maps it names, writes
     * the kernel-side options into its option map, loads it and attaches it to sched_process_exec.
     *
     * @return the ring buffer and the option map (whose slot DROPPED counts lost events)
     */
    private BpfMap[] attachCompiled(Config config) {
        if (config.attach() == Attach.KPROBE || config.probesReturn() || config.args()) {
            throw new IllegalArgumentException("the compiled tracer attaches to sched/sched_process_exec only and records"
                    + " neither latency, return values nor arguments");
        }
        TracepointFormat format = format("sched", "sched_process_exec");
        TracepointField filename = format.field("filename");
        if (filename.offset() != CompiledExecTracer.FILENAME_LOC || filename.kind() != TracepointField.Kind.DATA_LOC) {
            throw new IllegalStateException("sched_process_exec's filename is " + filename.declaration() + " at offset "
                    + filename.offset() + " in this kernel, where the compiled tracer reads a __data_loc at "
                    + CompiledExecTracer.FILENAME_LOC + ": run execsnoop without --compiled");
        }
        CompiledProgram p = BpfCompiler.create().compile(CompiledExecTracer.class, "onExec");
        BpfMap events = null;
        BpfMap options = null;
        for (MapDef d : p.maps()) {
            if (d.kind() == MapDef.Kind.RINGBUF) {
                events = keep(BpfMap.create(MapSpec.ringBuf(d.name(), d.maxEntries())));
            } else {
                options = keep(BpfMap.create(MapSpec.array(d.name(), d.valueSize(), d.maxEntries())));
            }
        }
        if (events == null || options == null) {
            throw new IllegalStateException("compiled exec tracer: expected a ring buffer and an option map, got " + p.maps());
        }
        BpfMap o = options;
        config.uid().ifPresent(u -> o.update(key(CompiledExecTracer.UID), u64(Integer.toUnsignedLong(u) + 1)));
        config.cgroupId().ifPresent(id -> o.update(key(CompiledExecTracer.CGROUP), u64(id)));
        BpfProgram program = keep(BpfProgram.load(ProgramSpec.of(p.name(), p.program(),
                        AttachPoint.tracepoint("sched", "sched_process_exec"))
                .license("GPL")                                  // probe_read_kernel needs GPL
                .maps(events, options)));
        keep(program.attach());
        attachedTo = "tracepoint:sched/sched_process_exec (compiled from CompiledExecTracer.onExec)";
        return new BpfMap[] {events, options};
    }

    private static byte[] u64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value).array();
    }

    private static byte[] key(int slot) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, slot).array();
    }

    /** Loads one probe program, binding its maps by name, and attaches it where it says. */
    // tag::load[]
    private void attach(ProbeProgram probe, List<BpfMap> maps) {
        BpfProgram program = keep(BpfProgram.load(ProgramSpec.of(probe)
                .license("GPL")                                  // probe_read_* helpers need GPL
                .maps(maps.toArray(new BpfMap[0]))));
        LinkInfo info = keep(program.attach()).info();
        if (info.resolvedToAnotherName()) {
            notice.accept(info.target() + " is " + info.symbol() + " in this kernel (a compiler clone): probing that");
        }
        attachedTo += (attachedTo.isEmpty() ? "" : " + ") + probe.target();
    }
    // end::load[]

    /** Where the programs are attached, e.g. {@code tracepoint:sched/sched_process_exec}. */
    public String attachedTo() {
        return attachedTo;
    }

    /**
     * Waits up to {@code timeout} for events and hands each to {@code handler}.
     *
     * @return the number of events handled
     */
    public int poll(Duration timeout, Consumer<ExecEvent> handler) {
        if (compiled) {
            return reader.poll(timeout, (data, offset, length) -> handler.accept(decodeCompiled(data, offset)));
        }
        // tag::poll[]
        return reader.poll(timeout, (data, offset, length) -> handler.accept(decode(data, offset)));
        // end::poll[]
    }

    /** Events the programs could not send because the ring buffer was full. */
    public long dropped() {
        byte[] value = drops.lookup(key(dropsKey)).orElse(new byte[8]);
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(0);
    }

    // tag::decode[]
    private ExecEvent decode(ByteBuffer data, int offset) {
        StructView e = view.wrap(data, offset);
        return new ExecEvent(e.getLong("timestamp"), e.getInt("tgid"), e.getInt("ppid"), e.getInt("uid"),
                e.getString("comm"), e.getString("filename"), args(e),
                latency ? e.getLong("latency_ns") : -1, latency ? e.getLong("ret") : 0,
                e.getString("pcomm"), Integer.toUnsignedLong(e.getInt("mntns")),
                Integer.toUnsignedLong(e.getInt("args_total")) > ExecPrograms.ARGS_SIZE);
    }
    // end::decode[]

    private static final RecordCodec<CompiledExecTracer.Event> COMPILED =
            StructLayout.codec(CompiledExecTracer.Event.class, MethodHandles.lookup());

    private static ExecEvent decodeCompiled(ByteBuffer data, int offset) {
        CompiledExecTracer.Event e = COMPILED.decode(data, offset);
        return new ExecEvent(e.timestamp(), e.pid(), e.ppid(), e.uid(), cString(e.comm()), cString(e.filename()),
                List.of(), -1, 0, cString(e.pcomm()), Integer.toUnsignedLong(e.mntns()), false);
    }

    /** A {@code char[n]} up to its first NUL, as UTF-8 (the bytes after the NUL are whatever the ring held). */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The NUL-separated argument strings of an event. */
    private static List<String> args(StructView e) {
        int size = e.getInt("args_size");
        List<String> out = new ArrayList<>();
        int start = e.offset() + EXEC.offset("args");
        int from = 0;
        for (int i = 0; i < size; i++) {
            if (e.buffer().get(start + i) == 0) {
                out.add(string(e.buffer(), start + from, i - from));
                from = i + 1;
            }
        }
        if (from < size) {
            out.add(string(e.buffer(), start + from, size - from)); // cut short at ARGS_SIZE
        }
        return out;
    }

    private static String string(ByteBuffer b, int at, int length) {
        byte[] bytes = new byte[length];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The id {@code bpf_get_current_cgroup_id()} returns for processes in the cgroup v2 directory
     * {@code dir}: its inode number in cgroupfs.
     *
     * @throws IllegalArgumentException when {@code dir} is not a cgroup v2 directory
     */
    public static long cgroupId(Path dir) {
        // cgroup.controllers exists only in cgroup v2 directories (v1 has no such file).
        if (!Files.isDirectory(dir) || !Files.exists(dir.resolve("cgroup.controllers"))) {
            throw new IllegalArgumentException("--cgroup " + dir + ": not a cgroup v2 directory (no cgroup.controllers;"
                    + " cgroup v2 is mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified)");
        }
        try {
            return ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the inode of " + dir, e);
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.push(resource);
        return resource;
    }

    private void closeLinks() {
        // A failed kprobe attach leaves loaded programs (and maybe one link): drop them, keep the maps.
        while (!(open.peek() instanceof BpfMap)) {
            closeQuietly(open.pop());
        }
    }

    /** Detaches the programs and closes the maps, last opened first. */
    @Override
    public void close() {
        while (!open.isEmpty()) {
            closeQuietly(open.pop());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing a descriptor fails only if it is already gone; nothing is left to undo.
        }
    }
}
