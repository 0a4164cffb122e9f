package io.bpf4j.syscall;

import io.bpf4j.core.Helper;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.core.attach.AttachType;
import io.bpf4j.core.attach.ProgramType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the running kernel supports, found by trying: a minimal program of each type, a small map
 * of each type, a call to a helper from a program type. Each answer is computed once per
 * process (per {@link Kernel}) and cached.
 *
 * <pre>{@code
 * Features f = Features.system();
 * f.hasProgramType(ProgramType.SYSCALL);                  // true on 5.14+
 * f.hasMapType(MapType.RINGBUF);                          // true on 5.8+
 * f.hasHelper(ProgramType.KPROBE, Helper.RINGBUF_OUTPUT); // true on 5.8+
 * f.hasKprobes();                                         // false where CONFIG_KPROBES is off
 * f.hasInstructionSetV4();                                // sign-extending loads: 6.6+
 * }</pre>
 *
 * <p>Limits of probing by trying: program types that need an attach target in BTF (TRACING,
 * LSM, EXT, STRUCT_OPS) and map types that need BTF (the *_STORAGE maps, STRUCT_OPS, ARENA) are
 * reported as unsupported, because a minimal load or create is refused even where they exist.
 */
public final class Features {
    private static final Features SYSTEM = new Features(null);

    private final Kernel kernel;
    private final Map<ProgramType, Boolean> programTypes = new ConcurrentHashMap<>();
    private final Map<MapType, Boolean> mapTypes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> helpers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> instructions = new ConcurrentHashMap<>();

    private Features(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Probes through the system kernel (shared, cached for the process). */
    public static Features system() {
        return SYSTEM;
    }

    /** Probes through {@code kernel} (cached in the returned object). */
    public static Features of(Kernel kernel) {
        return new Features(kernel);
    }

    private Kernel kernel() {
        return kernel == null ? Kernel.system() : kernel;
    }

    /**
     * True if kprobes can be attached: the kprobe PMU is in sysfs, or tracefs has
     * {@code kprobe_events} (kernels before the PMU, 4.17).
     */
    public boolean hasKprobes() {
        Kernel k = kernel();
        if (ProbePmus.type(k, "kprobe") >= 0) {
            return true;
        }
        try {
            return k.pathKind(Tracefs.root(k).resolve("kprobe_events")) == Kernel.PathKind.FILE;
        } catch (BpfException noTracefs) {
            return false;
        }
    }

    /** True if uprobes can be attached (the uprobe PMU is in sysfs). */
    public boolean hasUprobes() {
        return ProbePmus.type(kernel(), "uprobe") >= 0;
    }

    /** True if the kernel publishes its BTF ({@code /sys/kernel/btf/vmlinux}, {@code CONFIG_DEBUG_INFO_BTF}). */
    public boolean hasKernelBtf() {
        return kernel().pathKind(Path.of("/sys/kernel/btf/vmlinux")) == Kernel.PathKind.FILE;
    }

    /** True if a minimal program of {@code type} loads. */
    public boolean hasProgramType(ProgramType type) {
        return programTypes.computeIfAbsent(type, this::probeProgramType);
    }

    private boolean probeProgramType(ProgramType type) {
        if (type == ProgramType.UNSPEC) {
            return false;
        }
        Program nop = Program.builder().mov64(Reg.R0, 0).exit().build();
        ProgramSpec spec = ProgramSpec.of(type, "probe", nop).license("GPL");
        if (type == ProgramType.SYSCALL) {
            spec = spec.flags(ProgramSpec.F_SLEEPABLE);
        }
        if (type == ProgramType.CGROUP_SOCK_ADDR) {
            spec = spec.expectedAttachType(AttachType.CGROUP_INET4_CONNECT);
        }
        return loads(spec);
    }

    /**
     * True if the verifier takes the fourth instruction set (LLVM's {@code -mcpu=v4}, Linux 6.6):
     * sign-extending loads ({@code ldsx*}, {@code StructLayout.loadSigned}) and moves, signed
     * division, unconditional byte swaps, {@code gotol}. Probed with a sign-extending load.
     */
    public boolean hasInstructionSetV4() {
        return instructions.computeIfAbsent("v4", k -> loads(Program.builder()
                .stw(Reg.R10, -8, -1)
                .ldsxb(Reg.R0, Reg.R10, -8)
                .mov64(Reg.R0, 0)
                .exit()
                .build()));
    }

    /**
     * True if the verifier takes {@code may_goto} (Linux 6.9), the bounded-loop instruction
     * behind {@code bpf_for}/{@code can_loop}.
     */
    public boolean hasMayGoto() {
        return instructions.computeIfAbsent("may_goto", k -> loads(Program.builder()
                .mov64(Reg.R0, 0)
                .mayGoto("out")
                .mov64(Reg.R0, 1)
                .label("out")
                .exit()
                .build()));
    }

    /** A socket filter (every kernel with bpf() has the type) holding the instruction under test. */
    private boolean loads(Program program) {
        return loads(ProgramSpec.of(ProgramType.SOCKET_FILTER, "probe", program).license("GPL"));
    }

    private boolean loads(ProgramSpec spec) {
        try (BpfProgram p = BpfProgram.load(kernel(), spec)) {
            return p.fd() > 0;
        } catch (BpfException e) {
            return false;
        }
    }

    /** True if a small map of {@code type} can be created. */
    public boolean hasMapType(MapType type) {
        return mapTypes.computeIfAbsent(type, this::probeMapType);
    }

    private boolean probeMapType(MapType type) {
        MapSpec spec;
        switch (type) {
            case RINGBUF:
            case USER_RINGBUF:
                spec = new MapSpec(type, "probe", 0, 0, 4096, 0, null, 0);
                break;
            case QUEUE:
            case STACK:
            case BLOOM_FILTER:
                spec = new MapSpec(type, "probe", 0, 4, 1, 0, null, 0);
                break;
            case LPM_TRIE:
                spec = MapSpec.lpmTrie("probe", 4, 4, 1);
                break;
            case ARRAY_OF_MAPS:
            case HASH_OF_MAPS:
                spec = new MapSpec(type, "probe", 4, 4, 1, 0, MapSpec.array("probe_inner", 4, 1), 0);
                break;
            case STACK_TRACE:
                spec = MapSpec.stackTrace("probe", 1, 1);
                break;
            case UNSPEC:
                return false;
            default:
                try {
                    spec = new MapSpec(type, "probe", 4, 4, 1, 0, null, 0);
                } catch (IllegalArgumentException e) {
                    return false;
                }
        }
        try (BpfMap m = BpfMap.create(kernel(), spec)) {
            return m.fd() > 0;
        } catch (BpfException e) {
            return false;
        }
    }

    /**
     * True if programs of {@code type} may call {@code helper}: a program calling it is loaded
     * with the verifier log, and the helper counts as available unless the verifier names it as
     * unknown or forbidden for the type (the program fails later, on its missing arguments,
     * which is expected).
     */
    public boolean hasHelper(ProgramType type, Helper helper) {
        return helpers.computeIfAbsent(type + "/" + helper.number(), k -> probeHelper(type, helper));
    }

    private boolean probeHelper(ProgramType type, Helper helper) {
        if (!hasProgramType(type)) {
            return false;
        }
        Program p = Program.builder().call(helper).mov64(Reg.R0, 0).exit().build();
        byte[] code = p.assemble();
        ByteBuffer insns = ByteBuffer.allocateDirect(code.length);
        insns.put(0, code, 0, code.length);
        ByteBuffer log = ByteBuffer.allocateDirect(64 * 1024);
        int flags = type == ProgramType.SYSCALL ? ProgramSpec.F_SLEEPABLE : 0;
        Kernel.ProgLoadResult r = kernel().progLoad(new Kernel.ProgLoadRequest(type.code(), insns, "GPL", 1, log, 0, flags,
                "probe", 0, 0, 0));
        if (r.ok()) {
            kernel().close(r.fd());
            return true;
        }
        int n = 0;
        while (n < log.capacity() && log.get(n) != 0) {
            n++;
        }
        byte[] text = new byte[n];
        log.get(0, text, 0, n);
        String s = new String(text, StandardCharsets.UTF_8);
        return !(s.contains("invalid func") || s.contains("unknown func") || s.contains("cannot use helper")
                || s.contains("not supported") || s.contains("helper call might sleep") || s.isEmpty());
    }
}
