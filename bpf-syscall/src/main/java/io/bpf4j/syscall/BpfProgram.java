package io.bpf4j.syscall;

import io.bpf4j.core.AssembledProgram;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadImm64Insn;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.syscall.internal.Attr;
import io.bpf4j.syscall.internal.Direct;
import io.bpf4j.syscall.internal.FuncInfoBtf;
import io.bpf4j.syscall.internal.LineInfoBtf;
import io.bpf4j.syscall.internal.KernelResource;
import io.bpf4j.syscall.internal.VerifierReport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program loaded into the kernel: load it from a {@link ProgramSpec} (the verifier runs),
 * run it with {@link #testRun}, attach it ({@link #attachTracepoint}, {@link #attachUprobe}, …),
 * pin it, close it. Links keep the kernel program alive after this object is closed.
 *
 * <pre>{@code
 * try (BpfProgram prog = BpfProgram.load(ProgramSpec.tracepoint("count", program).license("GPL").maps(counts));
 *      BpfLink link = prog.attachTracepoint("syscalls", "sys_enter_getppid")) {
 *     ...
 * } catch (VerifierException e) {
 *     System.err.println(e.getMessage());   // failing insn, our listing, the Java line
 * }
 * }</pre>
 *
 * Loading first runs without a verifier log (fast); only when that fails does it load again
 * with a log buffer, growing it while the kernel answers ENOSPC (to {@code log_true_size}
 * when the kernel reports it), so a rejection always carries the whole log.
 */
public final class BpfProgram implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BpfProgram.class);
    private static final int LOG_START = 64 * 1024;
    private static final int LOG_MAX = 256 * 1024 * 1024;

    private final Kernel kernel;
    private final ProgramSpec spec;
    private final ProgramType type;
    private final String name;
    private final KernelResource resource;
    private final AssembledProgram assembled;

    private BpfProgram(Kernel kernel, ProgramSpec spec, ProgramType type, String name, int fd, AssembledProgram assembled) {
        this.kernel = kernel;
        this.spec = spec;
        this.type = type;
        this.name = name;
        this.assembled = assembled;
        this.resource = new KernelResource(this, kernel, "program '" + name + "' (" + type + ")", fd);
    }

    /** Loads through the system kernel. */
    public static BpfProgram load(ProgramSpec spec) {
        return load(Kernel.system(), spec);
    }

    /**
     * Resolves map references, assembles and loads.
     *
     * @throws VerifierException if the verifier rejects the program
     * @throws BpfException for any other kernel refusal
     * @throws IllegalArgumentException for a map reference no map in the spec resolves
     */
    public static BpfProgram load(Kernel kernel, ProgramSpec spec) {
        Program resolved = resolveMaps(spec);
        AssembledProgram assembled = resolved.assembleDetailed(ByteOrder.nativeOrder(), true);
        byte[] code = assembled.bytecode();
        ByteBuffer insns = ByteBuffer.allocateDirect(code.length).order(ByteOrder.nativeOrder());
        insns.put(0, code, 0, code.length);
        int expected = spec.expectedAttachType() == null ? 0 : spec.expectedAttachType().code();
        if (LineInfoBtf.applies(assembled)) {
            BpfProgram withLines = loadWithLines(kernel, spec, assembled, insns, expected);
            if (withLines != null) {
                return withLines;
            }
        }
        FuncInfoBtf funcs = FuncInfoBtf.forBytecode(code, ByteOrder.nativeOrder(), spec.name(), assembled.labelSlots());
        if (!funcs.needed()) {
            return loadWith(kernel, spec, assembled, insns, expected, 0, null, 0);
        }
        // Subprograms (bpf-to-bpf calls, bpf_loop callbacks): the kernel wants a BTF FUNC for each.
        ByteBuffer funcInfo = direct(funcs.funcInfo());
        int btfFd;
        try {
            btfFd = kernel.btfLoad(direct(funcs.btf()), null, 0);
        } catch (BpfException e) {
            LOG.debug("BPF_BTF_LOAD for the func_info of '{}' failed ({}): loading without it", spec.name(), e.errno());
            return loadWith(kernel, spec, assembled, insns, expected, 0, null, 0);
        }
        try {
            return loadWith(kernel, spec, assembled, insns, expected, btfFd, funcInfo, funcs.funcInfoCount());
        } finally {
            // The loaded program holds its own reference to the BTF.
            kernel.close(btfFd);
        }
    }

    /**
     * Loads a program that carries source positions with its line table as BTF line_info (the
     * verifier log then shows the source line of each instruction); null if the kernel refuses the
     * BTF, and the caller loads without it.
     */
    private static BpfProgram loadWithLines(Kernel kernel, ProgramSpec spec, AssembledProgram assembled, ByteBuffer insns,
                                            int expected) {
        LineInfoBtf lines = LineInfoBtf.of(assembled, ByteOrder.nativeOrder(), spec.name());
        int btfFd;
        try {
            btfFd = kernel.btfLoad(direct(lines.btf()), null, 0);
        } catch (BpfException e) {
            LOG.debug("BPF_BTF_LOAD for the line_info of '{}' failed ({}): loading without it", spec.name(), e.errno());
            return null;
        }
        try {
            return loadWith(kernel, spec, assembled, insns, expected, btfFd, direct(lines.funcInfo()), lines.funcInfoCount(),
                    direct(lines.lineInfo()), lines.lineInfoCount());
        } finally {
            kernel.close(btfFd);
        }
    }

    private static BpfProgram loadWith(Kernel kernel, ProgramSpec spec, AssembledProgram assembled, ByteBuffer insns,
                                       int expected, int btfFd, ByteBuffer funcInfo, int funcCount) {
        return loadWith(kernel, spec, assembled, insns, expected, btfFd, funcInfo, funcCount, null, 0);
    }

    private static BpfProgram loadWith(Kernel kernel, ProgramSpec spec, AssembledProgram assembled, ByteBuffer insns,
                                       int expected, int btfFd, ByteBuffer funcInfo, int funcCount,
                                       ByteBuffer lineInfo, int lineCount) {
        Kernel.ProgLoadResult r = kernel.progLoad(request(spec, insns, expected, 0, null, btfFd, funcInfo, funcCount,
                lineInfo, lineCount));
        if (r.ok()) {
            return new BpfProgram(kernel, spec, spec.type(), spec.name(), r.fd(), assembled);
        }
        Errno first = r.errno();
        // Load again with the verifier log on: the first try kept the common (successful) path cheap.
        int size = LOG_START;
        while (true) {
            ByteBuffer log = ByteBuffer.allocateDirect(size);
            Kernel.ProgLoadResult again = kernel.progLoad(request(spec, insns, expected, 1, log, btfFd, funcInfo, funcCount,
                    lineInfo, lineCount));
            if (again.ok()) {
                LOG.debug("program '{}' loaded on the second try (first: {})", spec.name(), first);
                return new BpfProgram(kernel, spec, spec.type(), spec.name(), again.fd(), assembled);
            }
            if (again.errno() == Errno.ENOSPC && size < LOG_MAX) {
                size = again.logTrueSize() > size ? again.logTrueSize() + 1 : size * 4;
                LOG.debug("verifier log of '{}' did not fit: retrying with {} bytes (log_true_size {})", spec.name(), size,
                        again.logTrueSize());
                continue;
            }
            String text = cString(log);
            if (!text.isBlank()) {
                throw VerifierReport.build(spec.name(), again.errno(), text, assembled);
            }
            throw new BpfException("BPF_PROG_LOAD '" + spec.name() + "' (" + spec.type().kernelName() + ")",
                    again.errno(), loadHint(spec, again.errno()));
        }
    }

    private static Kernel.ProgLoadRequest request(ProgramSpec spec, ByteBuffer insns, int expected, int level,
                                                  ByteBuffer log, int btfFd, ByteBuffer funcInfo, int funcCount,
                                                  ByteBuffer lineInfo, int lineCount) {
        return new Kernel.ProgLoadRequest(spec.type().code(), insns, spec.license(), level, log, spec.kernelVersion(),
                spec.flags(), spec.name(), expected, 0, 0, btfFd, funcInfo, funcCount, lineInfo, lineCount);
    }

    private static String loadHint(ProgramSpec spec, Errno e) {
        switch (e) {
            case EINVAL:
                return "the kernel rejected prog_type " + spec.type().code() + " (" + spec.type() + "), expected_attach_type "
                        + (spec.expectedAttachType() == null ? "0" : spec.expectedAttachType() + "") + ", prog_flags 0x"
                        + Integer.toHexString(spec.flags()) + " or the license '" + spec.license()
                        + "' before verification (unknown program type on this kernel?)";
            case E2BIG:
                return "the program has " + spec.program().slotCount() + " instructions: too many for this kernel";
            case EPERM:
                return BpfException.genericHint("BPF_PROG_LOAD", e) + " (fentry/fexit/LSM programs may be refused even to root"
                        + " when the kernel is locked down)";
            default:
                return null;
        }
    }

    private static String cString(ByteBuffer b) {
        int n = 0;
        while (n < b.capacity() && b.get(n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(0, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The program with every map reference replaced by the fd of the spec's map of that name. */
    static Program resolveMaps(ProgramSpec spec) {
        Map<String, MapReference> byName = new LinkedHashMap<>();
        for (MapReference m : spec.maps()) {
            byName.put(m.name(), m);
        }
        Program p = spec.program().withMapFds(n -> {
            MapReference m = byName.get(n);
            return m == null ? -1 : m.fd();
        });
        for (Instruction in : p.instructions()) {
            if (in instanceof LoadImm64Insn) {
                LoadImm64Insn l = (LoadImm64Insn) in;
                if (l.source().isMap() && (int) l.imm() < 0 && l.symbol() != null) {
                    throw new IllegalArgumentException("program '" + spec.name() + "' refers to map '" + l.symbol()
                            + "' but no map of that name was given to the spec (ProgramSpec.maps(...)); given: "
                            + byName.keySet());
                }
            }
        }
        return p;
    }

    /** Opens a program pinned at {@code path}. */
    public static BpfProgram openPinned(String path) {
        return openPinned(Kernel.system(), path);
    }

    /** Opens a program pinned at {@code path} through {@code kernel}. */
    public static BpfProgram openPinned(Kernel kernel, String path) {
        int fd = kernel.objGet(path, 0);
        try {
            ByteBuffer info = Direct.zeroed(Direct.CURSOR, Attr.PROG_INFO_SIZE_READ);
            kernel.objGetInfoByFd(fd, info);
            return new BpfProgram(kernel, null, ProgramType.of(info.getInt(Attr.PROG_INFO_TYPE)),
                    Direct.cString(info, Attr.PROG_INFO_NAME, Attr.OBJ_NAME_LEN), fd, null);
        } catch (RuntimeException e) {
            kernel.close(fd);
            throw e;
        }
    }

    /** The program fd; throws once closed. */
    public int fd() {
        return resource.fd();
    }

    /** The program type. */
    public ProgramType type() {
        return type;
    }

    /** The program's name. */
    public String name() {
        return name;
    }

    /** The spec it was loaded from (null for a program opened from a pin). */
    public ProgramSpec spec() {
        return spec;
    }

    /** The bytecode as loaded, with its slot map (null for a program opened from a pin). */
    public AssembledProgram assembled() {
        return assembled;
    }

    /** The kernel it lives in. */
    public Kernel kernel() {
        return kernel;
    }

    /** True once closed. */
    public boolean isClosed() {
        return resource.isClosed();
    }

    // ---- test run -------------------------------------------------------------------------------

    /**
     * Runs the program once (or {@code repeat} times) in the kernel with {@code BPF_PROG_TEST_RUN}.
     * For {@code SYSCALL} programs the context goes in and comes back as the program left it.
     */
    public TestRunResult testRun(TestRun run) {
        int fd = fd();
        ByteBuffer dataIn = direct(run.dataIn());
        ByteBuffer dataOut = run.dataOutSize() > 0 ? ByteBuffer.allocateDirect(run.dataOutSize()) : null;
        ByteBuffer ctxIn = direct(run.ctxIn());
        ByteBuffer ctxOut = run.ctxOutSize() > 0 ? ByteBuffer.allocateDirect(run.ctxOutSize()) : null;
        Kernel.TestRunResult r;
        try {
            r = kernel.progTestRun(fd, new Kernel.TestRunRequest(dataIn, dataOut, ctxIn, ctxOut, run.repeat(), 0, 0));
        } catch (BpfException e) {
            throw new BpfException("BPF_PROG_TEST_RUN on " + this, e.errno(), testRunHint(e.errno()), e);
        }
        byte[] dOut = dataOut == null ? new byte[0] : Direct.bytes(dataOut, Math.min(r.dataSizeOut(), run.dataOutSize()));
        byte[] cOut;
        if (type == ProgramType.SYSCALL && ctxIn != null) {
            cOut = Direct.bytes(ctxIn, ctxIn.capacity());
        } else if (ctxOut != null) {
            cOut = Direct.bytes(ctxOut, Math.min(r.ctxSizeOut(), run.ctxOutSize()));
        } else {
            cOut = new byte[0];
        }
        return new TestRunResult(r.retval(), r.durationNanos(), dOut, cOut);
    }

    /**
     * Runs a {@code SYSCALL} program once with {@code ctx} (a direct buffer, its remaining bytes;
     * the kernel writes the context back into it) and returns the program's return value.
     * Allocation-free: for producers driven in a loop.
     */
    public int run(ByteBuffer ctx) {
        int fd = fd();
        try {
            return kernel.progTestRunContext(fd, ctx);
        } catch (BpfException e) {
            throw new BpfException("BPF_PROG_TEST_RUN on " + this, e.errno(), testRunHint(e.errno()), e);
        }
    }

    private String testRunHint(Errno e) {
        switch (e) {
            case ENOTSUPP:
            case EOPNOTSUPP:
                return type + " programs cannot be test-run on this kernel";
            case EINVAL:
                return "the kernel rejected the input for a " + type + " program (SYSCALL programs take a context and no "
                        + "data, repeat 0; XDP and socket filters need data of at least 14 bytes)";
            default:
                return null;
        }
    }

    private static ByteBuffer direct(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        b.put(0, bytes, 0, bytes.length);
        return b;
    }

    // ---- attach ---------------------------------------------------------------------------------

    /** Attaches to the tracepoint {@code category/name} (a {@code TRACEPOINT} program). */
    public BpfLink attachTracepoint(String category, String name) {
        ProbeSupport.requireType(this, "tracepoint", ProgramType.TRACEPOINT);
        return TracepointLink.attach(this, category, name);
    }

    /** Attaches to the raw tracepoint {@code name} (a {@code RAW_TRACEPOINT} program), e.g. "sys_enter". */
    public BpfLink attachRawTracepoint(String name) {
        ProbeSupport.requireType(this, "raw tracepoint", ProgramType.RAW_TRACEPOINT, ProgramType.RAW_TRACEPOINT_WRITABLE);
        return RawTracepointLink.attach(this, name);
    }

    /**
     * Attaches a {@code KPROBE} program to the entry of kernel function {@code function}. On a kernel
     * without kprobes this fails with a one-line {@link BpfException} ({@code EOPNOTSUPP}) naming a
     * tracepoint to use instead.
     */
    public BpfLink attachKprobe(String function) {
        return KprobeLink.attach(this, function, 0, false);
    }

    /** As {@link #attachKprobe(String)}, {@code offset} bytes into the function. */
    public BpfLink attachKprobe(String function, long offset) {
        return KprobeLink.attach(this, function, offset, false);
    }

    /** Attaches a {@code KPROBE} program to the return of kernel function {@code function}. */
    public BpfLink attachKretprobe(String function) {
        return KprobeLink.attach(this, function, 0, true);
    }

    /** Attaches a {@code KPROBE} program to a user-space function (see {@link UprobeTarget}). */
    public BpfLink attachUprobe(UprobeTarget target) {
        return UprobeLink.attach(this, target, false);
    }

    /** Attaches a {@code KPROBE} program to the return of a user-space function. */
    public BpfLink attachUretprobe(UprobeTarget target) {
        return UprobeLink.attach(this, target, true);
    }

    /** Attaches a {@code PERF_EVENT} program to {@code event} on every online CPU. */
    public BpfLink attachPerfEvent(PerfEventSpec event) {
        ProbeSupport.requireType(this, "perf event", ProgramType.PERF_EVENT);
        int progFd = fd();
        int[] cpus = Cpus.online();
        int[] fds = new int[cpus.length];
        int opened = 0;
        try {
            for (; opened < cpus.length; opened++) {
                fds[opened] = kernel.perfEventOpen(new Kernel.PerfEventAttr(event.type(), event.config(),
                        event.periodOrFrequency(), 0, event.frequency() ? Kernel.PerfEventAttr.FLAG_FREQ : 0, 0, null, 0, 0),
                        -1, cpus[opened], -1, Kernel.PERF_FLAG_FD_CLOEXEC);
            }
        } catch (BpfException e) {
            for (int i = 0; i < opened; i++) {
                kernel.close(fds[i]);
            }
            throw new BpfException("perf_event_open (type " + event.type() + " config " + event.config() + " cpu "
                    + cpus[opened] + ")", e.errno(), e.hint(), e);
        }
        return new PerfEventLink(kernel, progFd, fds, "perf event type " + event.type() + " config " + event.config()
                + " on " + cpus.length + " CPUs <- " + this, null);
    }

    // ---- the rest -------------------------------------------------------------------------------

    /** Pins the program at {@code path} in a bpf filesystem. */
    public void pin(String path) {
        Bpffs.pin(kernel, fd(), path);
    }

    /** Closes the program fd (attached links keep the kernel program alive); a second call does nothing. */
    @Override
    public void close() {
        resource.close();
    }

    @Override
    public String toString() {
        return resource.description() + (resource.isClosed() ? " [closed]" : " fd " + resource.rawFd());
    }
}
