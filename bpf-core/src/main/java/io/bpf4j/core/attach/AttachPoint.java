package io.bpf4j.core.attach;

/**
 * Where a program goes: a tracepoint, a raw tracepoint, a kernel function (kprobe / kretprobe),
 * a function in a user-space ELF file (uprobe / uretprobe) or a sampling perf event. A plain,
 * validated value that builders produce and {@code BpfProgram.attach(AttachPoint)} (bpf-syscall)
 * takes; its {@link #kind()} decides the program type to load with.
 *
 * <pre>{@code
 * AttachPoint exec = AttachPoint.tracepoint("sched", "sched_process_exec");
 * AttachPoint entry = AttachPoint.kprobe("do_execveat_common");
 * AttachPoint exit = AttachPoint.kretprobe("do_execveat_common");
 * AttachPoint malloc = AttachPoint.uprobe("libc", "malloc");
 * AttachPoint sample = AttachPoint.cpuClock(49);          // 49 Hz on each CPU
 * exit.kind().programType();                               // KPROBE
 * exit.toString();                                         // "kretprobe:do_execveat_common"
 * AttachPoint.xdp("veth0");                                // packets arriving on veth0, before the stack
 * AttachPoint.tcEgress("veth0");                           // packets leaving veth0
 * AttachPoint.cgroupSockCreate("/sys/fs/cgroup/unified/app");   // socket() by the cgroup's processes
 * AttachPoint.fentry("do_nanosleep");                      // through a BPF trampoline
 * AttachPoint.lsm("bprm_check_security");                  // before every exec
 * }</pre>
 */
public sealed interface AttachPoint permits AttachPoint.Tracepoint, AttachPoint.RawTracepoint,
        AttachPoint.KernelFunction, AttachPoint.UserFunction, AttachPoint.PerfEvent, AttachPoint.Xdp, AttachPoint.Tc,
        AttachPoint.Cgroup, AttachPoint.TracingFunction, AttachPoint.LsmHook {

    /** The family of this point: decides the program type and the link the kernel makes. */
    AttachKind kind();

    /** The program type a program for this point is loaded as. */
    default ProgramType programType() {
        return kind().programType();
    }

    /** {@code category/name} under tracefs {@code events/}. */
    static Tracepoint tracepoint(String category, String name) {
        return new Tracepoint(category, name);
    }

    /** The raw tracepoint {@code name} (e.g. {@code sched_switch}). */
    static RawTracepoint rawTracepoint(String name) {
        return new RawTracepoint(name);
    }

    /** The entry of kernel function {@code function}. */
    static KernelFunction kprobe(String function) {
        return new KernelFunction(function, 0, false);
    }

    /** {@code offset} bytes into kernel function {@code function}. */
    static KernelFunction kprobe(String function, long offset) {
        return new KernelFunction(function, offset, false);
    }

    /** The return of kernel function {@code function}. */
    static KernelFunction kretprobe(String function) {
        return new KernelFunction(function, 0, true);
    }

    /** The entry of {@code symbol} in {@code binary} (a path, or a short name such as {@code libc}). */
    static UserFunction uprobe(String binary, String symbol) {
        return new UserFunction(binary, symbol, 0, false);
    }

    /** The return of {@code symbol} in {@code binary}. */
    static UserFunction uretprobe(String binary, String symbol) {
        return new UserFunction(binary, symbol, 0, true);
    }

    /** A raw file offset in {@code binary}. */
    static UserFunction uprobeAt(String binary, long fileOffset) {
        return new UserFunction(binary, null, fileOffset, false);
    }

    /** The software cpu-clock event sampled {@code hz} times a second on each CPU. */
    static PerfEvent cpuClock(long hz) {
        return new PerfEvent(PerfEvent.TYPE_SOFTWARE, PerfEvent.SW_CPU_CLOCK, hz, true);
    }

    /** The software cpu-clock event sampled every {@code nanos} of CPU time on each CPU. */
    static PerfEvent cpuClockPeriod(long nanos) {
        return new PerfEvent(PerfEvent.TYPE_SOFTWARE, PerfEvent.SW_CPU_CLOCK, nanos, false);
    }

    /** The XDP hook of network interface {@code iface} (in the calling thread's network namespace). */
    static Xdp xdp(String iface) {
        return new Xdp(iface);
    }

    /** Traffic control ingress of {@code iface}. */
    static Tc tcIngress(String iface) {
        return new Tc(iface, false);
    }

    /** Traffic control egress of {@code iface}. */
    static Tc tcEgress(String iface) {
        return new Tc(iface, true);
    }

    /** Packets entering sockets of the processes in cgroup v2 directory {@code cgroupDir}. */
    static Cgroup cgroupIngress(String cgroupDir) {
        return new Cgroup(cgroupDir, AttachType.CGROUP_INET_INGRESS);
    }

    /** Packets leaving sockets of the processes in cgroup v2 directory {@code cgroupDir}. */
    static Cgroup cgroupEgress(String cgroupDir) {
        return new Cgroup(cgroupDir, AttachType.CGROUP_INET_EGRESS);
    }

    /** Creation of inet sockets by the processes in cgroup v2 directory {@code cgroupDir}. */
    static Cgroup cgroupSockCreate(String cgroupDir) {
        return new Cgroup(cgroupDir, AttachType.CGROUP_INET_SOCK_CREATE);
    }

    /** The entry of kernel function {@code function} through a trampoline (its BTF id looked up in vmlinux BTF). */
    static TracingFunction fentry(String function) {
        return new TracingFunction(function, false, 0);
    }

    /** The return of kernel function {@code function} through a trampoline. */
    static TracingFunction fexit(String function) {
        return new TracingFunction(function, true, 0);
    }

    /** The LSM hook {@code hook} ({@code bprm_check_security}, {@code file_open}, ...). */
    static LsmHook lsm(String hook) {
        return new LsmHook(hook, 0);
    }

    /**
     * A static tracepoint, {@code events/<category>/<name>} under tracefs.
     *
     * @param category the subsystem, e.g. {@code sched}
     * @param name the event, e.g. {@code sched_process_exec}
     */
    record Tracepoint(String category, String name) implements AttachPoint {
        public Tracepoint {
            Symbols.checkEvent(category, "tracepoint category");
            Symbols.checkEvent(name, "tracepoint name");
        }

        @Override
        public AttachKind kind() {
            return AttachKind.TRACEPOINT;
        }

        @Override
        public String toString() {
            return "tracepoint:" + category + "/" + name;
        }
    }

    /**
     * A raw tracepoint, by the tracepoint's name (no category).
     *
     * @param name e.g. {@code sched_switch}
     */
    record RawTracepoint(String name) implements AttachPoint {
        public RawTracepoint {
            Symbols.checkEvent(name, "raw tracepoint");
        }

        @Override
        public AttachKind kind() {
            return AttachKind.RAW_TRACEPOINT;
        }

        @Override
        public String toString() {
            return "raw_tracepoint:" + name;
        }
    }

    /**
     * A kernel function, for kprobes and kretprobes. The name is the one the user means
     * ({@code do_execveat_common}); bpf-syscall resolves it to the symbol the kernel has
     * (an exact match, else a single compiler clone such as {@code do_execveat_common.isra.0}).
     *
     * @param function the function's name
     * @param offset bytes into the function (0 for the entry; kretprobes take none)
     * @param isReturn true for a kretprobe
     */
    record KernelFunction(String function, long offset, boolean isReturn) implements AttachPoint {
        public KernelFunction {
            Symbols.check(function, "kernel function", false);
            if (offset < 0 || isReturn && offset != 0) {
                throw new IllegalArgumentException("kprobe offset " + offset + " into " + function
                        + (isReturn ? ": kretprobes take no offset" : ": expected >= 0"));
            }
        }

        @Override
        public AttachKind kind() {
            return isReturn ? AttachKind.KRETPROBE : AttachKind.KPROBE;
        }

        @Override
        public String toString() {
            return (isReturn ? "kretprobe:" : "kprobe:") + function + (offset == 0 ? "" : "+0x" + Long.toHexString(offset));
        }
    }

    /**
     * A function in a user-space ELF file, for uprobes and uretprobes.
     *
     * @param binary path of the executable or shared library, or a short name ({@code libc})
     * @param symbol the function's symbol ({@code memcpy@GLIBC_2.2.5} for one version), or null
     *               when {@code offset} is a file offset
     * @param offset bytes added to the symbol's file offset (with no symbol: the file offset)
     * @param isReturn true for a uretprobe
     */
    record UserFunction(String binary, String symbol, long offset, boolean isReturn) implements AttachPoint {
        public UserFunction {
            if (binary == null || binary.isEmpty()) {
                throw new IllegalArgumentException("user function: binary path missing");
            }
            if (binary.indexOf('\0') >= 0 || binary.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("user function: binary path contains a NUL or newline character");
            }
            if (symbol != null) {
                Symbols.check(symbol, "user function", true);
            }
            if (offset < 0) {
                throw new IllegalArgumentException("user function: offset " + offset + " is negative: expected >= 0");
            }
            if (symbol == null && offset == 0) {
                throw new IllegalArgumentException("user function in " + binary + ": give a symbol or a file offset");
            }
        }

        /** {@code extra} more bytes into the function. */
        public UserFunction plus(long extra) {
            return new UserFunction(binary, symbol, offset + extra, isReturn);
        }

        @Override
        public AttachKind kind() {
            return isReturn ? AttachKind.URETPROBE : AttachKind.UPROBE;
        }

        @Override
        public String toString() {
            return (isReturn ? "uretprobe:" : "uprobe:") + binary + ":" + (symbol == null ? "" : symbol)
                    + (offset == 0 ? "" : "+0x" + Long.toHexString(offset));
        }
    }

    /**
     * A sampling perf event: {@code perf_event_attr.type} and {@code config}, and how often it
     * fires (a period, or a frequency in Hz). Attaching opens one event per online CPU.
     *
     * @param type {@code PERF_TYPE_*} (1 = software, 0 = hardware)
     * @param config the event within the type ({@code PERF_COUNT_SW_CPU_CLOCK} = 0)
     * @param periodOrFrequency sample period, or frequency in Hz when {@code frequency}
     * @param frequency true if {@code periodOrFrequency} is a frequency
     */
    record PerfEvent(int type, long config, long periodOrFrequency, boolean frequency) implements AttachPoint {
        /** {@code PERF_TYPE_HARDWARE}. */
        public static final int TYPE_HARDWARE = 0;
        /** {@code PERF_TYPE_SOFTWARE}. */
        public static final int TYPE_SOFTWARE = 1;
        /** {@code PERF_COUNT_SW_CPU_CLOCK}. */
        public static final long SW_CPU_CLOCK = 0;

        public PerfEvent {
            if (type < 0) {
                throw new IllegalArgumentException("perf event type " + type + ": expected >= 0");
            }
            if (periodOrFrequency <= 0) {
                throw new IllegalArgumentException("perf event " + (frequency ? "frequency " : "period ") + periodOrFrequency
                        + ": expected > 0");
            }
        }

        @Override
        public AttachKind kind() {
            return AttachKind.PERF_EVENT;
        }

        @Override
        public String toString() {
            String what = type == TYPE_SOFTWARE && config == SW_CPU_CLOCK ? "cpu-clock" : "type " + type + " config " + config;
            return "perf_event:" + what + (frequency ? " @" + periodOrFrequency + "Hz" : " every " + periodOrFrequency);
        }
    }

    /**
     * The XDP hook of a network interface: the program sees each received packet before the
     * network stack and returns {@code XDP_PASS} (2), {@code XDP_DROP} (1), {@code XDP_TX} (3) or
     * {@code XDP_REDIRECT} (4).
     *
     * @param iface the interface's name (at most 15 characters), resolved in the attaching thread's network namespace
     */
    record Xdp(String iface) implements AttachPoint {
        public Xdp {
            Symbols.checkInterface(iface);
        }

        @Override
        public AttachKind kind() {
            return AttachKind.XDP;
        }

        @Override
        public String toString() {
            return "xdp:" + iface;
        }
    }

    /**
     * A traffic control hook of a network interface: a {@code SCHED_CLS} program in direct-action
     * mode returning {@code TC_ACT_OK} (0), {@code TC_ACT_SHOT} (2), ...
     *
     * @param iface the interface's name
     * @param egress true for packets leaving the interface, false for packets arriving
     */
    record Tc(String iface, boolean egress) implements AttachPoint {
        public Tc {
            Symbols.checkInterface(iface);
        }

        @Override
        public AttachKind kind() {
            return egress ? AttachKind.TC_EGRESS : AttachKind.TC_INGRESS;
        }

        @Override
        public String toString() {
            return (egress ? "tc-egress:" : "tc-ingress:") + iface;
        }
    }

    /**
     * A hook of a cgroup v2 directory: {@code CGROUP_INET_INGRESS} / {@code CGROUP_INET_EGRESS}
     * ({@code CGROUP_SKB} programs, 1 passes a packet, 0 drops it) or {@code CGROUP_INET_SOCK_CREATE}
     * ({@code CGROUP_SOCK} programs, 0 refuses the socket with EPERM).
     *
     * @param path the cgroup's directory in a cgroup2 mount ({@code /sys/fs/cgroup/app})
     * @param hook one of the three attach types above
     */
    record Cgroup(String path, AttachType hook) implements AttachPoint {
        public Cgroup {
            if (path == null || path.isEmpty() || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("cgroup: directory path missing or with a NUL character");
            }
            if (hook != AttachType.CGROUP_INET_INGRESS && hook != AttachType.CGROUP_INET_EGRESS
                    && hook != AttachType.CGROUP_INET_SOCK_CREATE) {
                throw new IllegalArgumentException("cgroup hook " + hook + " is not supported: expected "
                        + "CGROUP_INET_INGRESS, CGROUP_INET_EGRESS or CGROUP_INET_SOCK_CREATE");
            }
        }

        @Override
        public AttachKind kind() {
            switch (hook) {
                case CGROUP_INET_INGRESS:
                    return AttachKind.CGROUP_SKB_INGRESS;
                case CGROUP_INET_EGRESS:
                    return AttachKind.CGROUP_SKB_EGRESS;
                default:
                    return AttachKind.CGROUP_SOCK_CREATE;
            }
        }

        @Override
        public String toString() {
            return "cgroup:" + path + ":" + hook.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A kernel function reached through a BPF trampoline ({@code fentry} / {@code fexit}): the
     * context is the function's arguments as u64s (for fexit, then the return value). The
     * kernel wants the function's BTF type id at load time.
     *
     * @param function the function's name as vmlinux BTF has it
     * @param isReturn true for fexit
     * @param btfId the {@code FUNC} type id in vmlinux BTF, or 0 to look it up by name when loading
     */
    record TracingFunction(String function, boolean isReturn, int btfId) implements AttachPoint {
        public TracingFunction {
            Symbols.check(function, isReturn ? "fexit function" : "fentry function", false);
            if (btfId < 0) {
                throw new IllegalArgumentException("BTF id " + btfId + " of " + function + ": expected > 0, or 0 to look it up");
            }
        }

        @Override
        public AttachKind kind() {
            return isReturn ? AttachKind.FEXIT : AttachKind.FENTRY;
        }

        @Override
        public String toString() {
            return (isReturn ? "fexit:" : "fentry:") + function;
        }
    }

    /**
     * A Linux security module hook, run by the BPF LSM (kernel 5.7+, {@code CONFIG_BPF_LSM} and
     * {@code bpf} in the {@code lsm=} list). The program returns 0 to allow or {@code -EPERM} to refuse.
     *
     * @param hook the hook's name without the {@code bpf_lsm_} prefix ({@code bprm_check_security})
     * @param btfId the BTF id of {@code bpf_lsm_<hook>} in vmlinux BTF, or 0 to look it up when loading
     */
    record LsmHook(String hook, int btfId) implements AttachPoint {
        public LsmHook {
            Symbols.check(hook, "LSM hook", false);
            if (hook.startsWith("bpf_lsm_")) {
                throw new IllegalArgumentException("LSM hook '" + hook + "': name it without the bpf_lsm_ prefix ('"
                        + hook.substring(8) + "')");
            }
            if (btfId < 0) {
                throw new IllegalArgumentException("BTF id " + btfId + " of LSM hook " + hook + ": expected > 0, or 0 to look it up");
            }
        }

        /** The kernel function whose BTF id the program is loaded with: {@code bpf_lsm_<hook>}. */
        public String btfFunction() {
            return "bpf_lsm_" + hook;
        }

        @Override
        public AttachKind kind() {
            return AttachKind.LSM;
        }

        @Override
        public String toString() {
            return "lsm:" + hook;
        }
    }
}
