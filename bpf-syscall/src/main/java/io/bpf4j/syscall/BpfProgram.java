package io.bpf4j.syscall;

import io.bpf4j.core.AssembledProgram;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.LoadImm64Insn;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.internal.Attr;
import io.bpf4j.syscall.internal.Direct;
import io.bpf4j.syscall.internal.FuncInfoBtf;
import io.bpf4j.syscall.internal.LineInfoBtf;
import io.bpf4j.syscall.internal.KernelResource;
import io.bpf4j.syscall.internal.VerifierReport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * A program loaded into the kernel: load it from a {@link ProgramSpec} (the verifier runs),
 * run it with {@link #testRun}, attach it ({@link #attach(AttachPoint)}, the one entry for every
 * attach family), pin it, close it. Links keep the kernel program alive after this object is closed.
 *
 * <pre>{@code
 * try (BpfProgram prog = BpfProgram.load(ProgramSpec.tracepoint("count", program).license("GPL").maps(counts));
 *      BpfLink link = prog.attach(AttachPoint.tracepoint("syscalls", "sys_enter_getppid"))) {
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
    private static final Logger LOG = Logs.get(BpfProgram.class);
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
        if (kernel == null) {
            throw new NullPointerException("kernel is null");
        }
        if (spec == null) {
            throw new NullPointerException("spec is null: pass a ProgramSpec (ProgramSpec.tracepoint(...), ...)");
        }
        // The map fds go into the bytecode: hold a use of each map until the kernel has taken its
        // own reference, so a concurrent close cannot hand the load another object's fd number.
        List<BpfMap> held = new ArrayList<>();
        try {
            for (MapReference m : spec.maps()) {
                if (m instanceof BpfMap) {
                    ((BpfMap) m).acquireFd();
                    held.add((BpfMap) m);
                }
            }
            return loadResolved(kernel, spec);
        } finally {
            for (BpfMap m : held) {
                m.releaseFd();
            }
        }
    }

    private static BpfProgram loadResolved(Kernel kernel, ProgramSpec spec) {
        Program resolved = resolveMaps(spec);
        AssembledProgram assembled = resolved.assembleDetailed(ByteOrder.nativeOrder(), true);
        byte[] code = assembled.bytecode();
        ByteBuffer insns = ByteBuffer.allocateDirect(code.length).order(ByteOrder.nativeOrder());
        insns.put(0, code, 0, code.length);
        int expected = spec.expectedAttachType() == null ? 0 : spec.expectedAttachType().code();
        int btfId = spec.target() == null ? 0 : Trampolines.attachBtfId(kernel, spec.target());
        if (LineInfoBtf.applies(assembled)) {
            BpfProgram withLines = loadWithLines(kernel, spec, assembled, insns, expected, btfId);
            if (withLines != null) {
                return withLines;
            }
        }
        FuncInfoBtf funcs = FuncInfoBtf.forBytecode(code, ByteOrder.nativeOrder(), spec.name(), assembled.labelSlots());
        if (!funcs.needed()) {
            return loadWith(kernel, spec, assembled, insns, expected, btfId, 0, null, 0);
        }
        // Subprograms (bpf-to-bpf calls, bpf_loop callbacks): the kernel wants a BTF FUNC for each.
        ByteBuffer funcInfo = direct(funcs.funcInfo());
        int btfFd;
        try {
            btfFd = kernel.btfLoad(direct(funcs.btf()), null, 0);
        } catch (BpfException e) {
            LOG.debug("BPF_BTF_LOAD for the func_info of '{}' failed ({}): loading without it", spec.name(), e.errno());
            return loadWith(kernel, spec, assembled, insns, expected, btfId, 0, null, 0);
        }
        try {
            return loadWith(kernel, spec, assembled, insns, expected, btfId, btfFd, funcInfo, funcs.funcInfoCount());
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
                                            int expected, int attachBtfId) {
        LineInfoBtf lines = LineInfoBtf.of(assembled, ByteOrder.nativeOrder(), spec.name());
        int btfFd;
        try {
            btfFd = kernel.btfLoad(direct(lines.btf()), null, 0);
        } catch (BpfException e) {
            LOG.debug("BPF_BTF_LOAD for the line_info of '{}' failed ({}): loading without it", spec.name(), e.errno());
            return null;
        }
        try {
            return loadWith(kernel, spec, assembled, insns, expected, attachBtfId, btfFd, direct(lines.funcInfo()),
                    lines.funcInfoCount(),
                    direct(lines.lineInfo()), lines.lineInfoCount());
        } finally {
            kernel.close(btfFd);
        }
    }

    private static BpfProgram loadWith(Kernel kernel, ProgramSpec spec, AssembledProgram assembled, ByteBuffer insns,
                                       int expected, int attachBtfId, int btfFd, ByteBuffer funcInfo, int funcCount) {
        return loadWith(kernel, spec, assembled, insns, expected, attachBtfId, btfFd, funcInfo, funcCount, null, 0);
    }

    private static BpfProgram loadWith(Kernel kernel, ProgramSpec spec, AssembledProgram assembled, ByteBuffer insns,
                                       int expected, int attachBtfId, int btfFd, ByteBuffer funcInfo, int funcCount,
                                       ByteBuffer lineInfo, int lineCount) {
        Kernel.ProgLoadResult r = kernel.progLoad(request(spec, insns, expected, attachBtfId, 0, null, btfFd, funcInfo,
                funcCount, lineInfo, lineCount));
        if (r.ok()) {
            return new BpfProgram(kernel, spec, spec.type(), spec.name(), r.fd(), assembled);
        }
        Errno first = r.errno();
        // Load again with the verifier log on: the first try kept the common (successful) path cheap.
        int size = LOG_START;
        while (true) {
            ByteBuffer log = ByteBuffer.allocateDirect(size);
            Kernel.ProgLoadResult again = kernel.progLoad(request(spec, insns, expected, attachBtfId, 1, log, btfFd, funcInfo,
                    funcCount, lineInfo, lineCount));
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
                    again.errno(), loadHint(kernel, spec, again.errno()));
        }
    }

    private static Kernel.ProgLoadRequest request(ProgramSpec spec, ByteBuffer insns, int expected, int attachBtfId,
                                                  int level, ByteBuffer log, int btfFd, ByteBuffer funcInfo, int funcCount,
                                                  ByteBuffer lineInfo, int lineCount) {
        return new Kernel.ProgLoadRequest(spec.type().code(), insns, spec.license(), level, log, spec.kernelVersion(),
                spec.flags(), spec.name(), expected, attachBtfId, 0, btfFd, funcInfo, funcCount, lineInfo, lineCount);
    }

    private static String loadHint(Kernel kernel, ProgramSpec spec, Errno e) {
        switch (e) {
            case EINVAL:
                return "the kernel rejected prog_type " + spec.type().code() + " (" + spec.type() + "), expected_attach_type "
                        + (spec.expectedAttachType() == null ? "0" : spec.expectedAttachType() + "") + ", prog_flags 0x"
                        + Integer.toHexString(spec.flags()) + " or the license '" + spec.license()
                        + "' before verification (unknown program type on this kernel?)";
            case E2BIG:
                return "the program has " + spec.program().slotCount() + " instructions: too many for this kernel";
            case EPERM:
                if (Trampolines.btfFunction(spec.target()) != null && Privileges.missingForTracing().isEmpty()) {
                    return Trampolines.whyRefused(kernel);
                }
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
        if (run == null) {
            throw new NullPointerException("run is null: pass a TestRun (TestRun.ctx(...), TestRun.data(...) or TestRun.empty())");
        }
        int fd = resource.acquire();
        try {
            return testRun(fd, run);
        } finally {
            resource.release();
        }
    }

    private TestRunResult testRun(int fd, TestRun run) {
        ByteBuffer dataIn = direct(run.dataIn());
        ByteBuffer dataOut = run.dataOutSize() > 0 ? ByteBuffer.allocateDirect(run.dataOutSize()) : null;
        ByteBuffer ctxIn = direct(run.ctxIn());
        ByteBuffer ctxOut = run.ctxOutSize() > 0 ? ByteBuffer.allocateDirect(run.ctxOutSize()) : null;
        Kernel.ProgTestRunResult r;
        try {
            r = kernel.progTestRun(fd, new Kernel.ProgTestRunRequest(dataIn, dataOut, ctxIn, ctxOut, run.repeat(), 0, 0));
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
        if (ctx == null || !ctx.isDirect()) {
            throw ctx == null ? new NullPointerException("ctx is null: pass a direct buffer holding the context")
                    : new IllegalArgumentException("ctx must be a direct buffer (ByteBuffer.allocateDirect)");
        }
        int fd = resource.acquire();
        try {
            return kernel.progTestRunContext(fd, ctx);
        } catch (BpfException e) {
            throw new BpfException("BPF_PROG_TEST_RUN on " + this, e.errno(), testRunHint(e.errno()), e);
        } finally {
            resource.release();
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

    /**
     * Attaches where the spec's target says ({@link ProgramSpec#of(io.bpf4j.core.attach.AttachableProgram)}
     * keeps the probe's point).
     *
     * @throws IllegalStateException when the spec has no target (or the program was opened from a pin)
     */
    public BpfLink attach() {
        if (spec == null || spec.target() == null) {
            throw new IllegalStateException(this + " has no attach point of its own: load it from ProgramSpec.of(probe) "
                    + "or call attach(AttachPoint)");
        }
        return attach(spec.target(), null);
    }

    /** Attaches to {@code point} with the family's default options. */
    public BpfLink attach(AttachPoint point) {
        return attach(point, null);
    }

    /**
     * Attaches to {@code point}: the one entry for every attach family. The link's class is the
     * family's ({@link TracepointLink}, {@link RawTracepointLink}, {@link KprobeLink},
     * {@link UprobeLink}, {@link PerfEventLink}, {@link XdpLink}, {@link TcLink}, {@link CgroupLink},
     * {@link TracingLink}, {@link LsmLink}).
     *
     * @param options the family's options record, or null for its defaults
     * @throws IllegalArgumentException when the program's type cannot go there or the options are another family's
     * @throws BpfException when the kernel refuses (the message says why and what to do)
     */
    public BpfLink attach(AttachPoint point, LinkOptions options) {
        Objects.requireNonNull(point, "attach point");
        requireTypeFor(point);
        // The families pass fd() to the kernel: a use held across the attach keeps a concurrent
        // close from handing them a number the kernel has given to another program meanwhile.
        resource.acquire();
        try {
            return attachFamily(point, options);
        } finally {
            resource.release();
        }
    }

    private BpfLink attachFamily(AttachPoint point, LinkOptions options) {
        switch (point.kind()) {
            case TRACEPOINT:
                return TracepointLink.attach(this, (AttachPoint.Tracepoint) point,
                        options(point, options, TracepointLink.Options.class, TracepointLink.Options.NONE));
            case RAW_TRACEPOINT:
                noOptions(point, options);
                return RawTracepointLink.attach(this, (AttachPoint.RawTracepoint) point);
            case KPROBE:
            case KRETPROBE:
                return KprobeLink.attach(this, (AttachPoint.KernelFunction) point,
                        options(point, options, KprobeLink.Options.class, KprobeLink.Options.NONE));
            case UPROBE:
            case URETPROBE:
                return UprobeLink.attach(this, (AttachPoint.UserFunction) point,
                        options(point, options, UprobeLink.Options.class, UprobeLink.Options.NONE));
            case PERF_EVENT:
                return PerfEventLink.attach(this, (AttachPoint.PerfEvent) point,
                        options(point, options, PerfEventLink.Options.class, PerfEventLink.Options.NONE));
            case XDP:
                return XdpLink.attach(this, (AttachPoint.Xdp) point,
                        options(point, options, XdpLink.Options.class, XdpLink.Options.NONE));
            case TC_INGRESS:
            case TC_EGRESS:
                return TcLink.attach(this, (AttachPoint.Tc) point, options(point, options, TcLink.Options.class, TcLink.Options.NONE));
            case CGROUP_SKB_INGRESS:
            case CGROUP_SKB_EGRESS:
            case CGROUP_SOCK_CREATE:
                return CgroupLink.attach(this, (AttachPoint.Cgroup) point,
                        options(point, options, CgroupLink.Options.class, CgroupLink.Options.NONE));
            case FENTRY:
            case FEXIT:
                noOptions(point, options);
                return TracingLink.attach(this, (AttachPoint.TracingFunction) point);
            case LSM:
                noOptions(point, options);
                return LsmLink.attach(this, (AttachPoint.LsmHook) point);
            default:
                throw new IllegalArgumentException("attach point kind " + point.kind() + " unknown to " + getClass().getName());
        }
    }

    private static void noOptions(AttachPoint point, LinkOptions options) {
        if (options != null) {
            throw new IllegalArgumentException(point + " takes no options (got " + options + ")");
        }
    }

    private static <O extends LinkOptions> O options(AttachPoint point, LinkOptions given, Class<O> expected, O none) {
        if (given == null) {
            return none;
        }
        if (!expected.isInstance(given)) {
            throw new IllegalArgumentException("options " + nameOf(given.getClass()) + " do not fit " + point + ": expected "
                    + nameOf(expected));
        }
        return expected.cast(given);
    }

    private static String nameOf(Class<?> c) {
        return c.getName().substring(c.getPackageName().length() + 1).replace('$', '.');
    }

    private void requireTypeFor(AttachPoint point) {
        ProgramType wanted = point.programType();
        boolean ok = type == wanted || wanted == ProgramType.RAW_TRACEPOINT && type == ProgramType.RAW_TRACEPOINT_WRITABLE;
        if (!ok) {
            throw new IllegalArgumentException("cannot attach " + this + " to " + point + ": it needs a " + wanted
                    + " program (load it with ProgramSpec.of(name, program, point) to get the type right)");
        }
    }

    /** Attaches to the tracepoint {@code category/name} (a {@code TRACEPOINT} program). */
    public BpfLink attachTracepoint(String category, String name) {
        return attach(AttachPoint.tracepoint(category, name));
    }

    /** Attaches to the raw tracepoint {@code name} (a {@code RAW_TRACEPOINT} program), e.g. "sys_enter". */
    public BpfLink attachRawTracepoint(String name) {
        return attach(AttachPoint.rawTracepoint(name));
    }

    /**
     * Attaches a {@code KPROBE} program to the entry of kernel function {@code function} (or its
     * single compiler clone, {@code function.isra.0}). On a kernel without kprobes this fails with
     * a one-line {@link BpfException} ({@code EOPNOTSUPP}) naming a tracepoint to use instead.
     */
    public BpfLink attachKprobe(String function) {
        return attach(AttachPoint.kprobe(function));
    }

    /** Attaches a {@code KPROBE} program to the return of kernel function {@code function}. */
    public BpfLink attachKretprobe(String function) {
        return attach(AttachPoint.kretprobe(function));
    }

    // ---- the rest -------------------------------------------------------------------------------

    /** Pins the program at {@code path} in a bpf filesystem. */
    public void pin(String path) {
        int fd = resource.acquire();
        try {
            Bpffs.pin(kernel, fd, path);
        } finally {
            resource.release();
        }
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
