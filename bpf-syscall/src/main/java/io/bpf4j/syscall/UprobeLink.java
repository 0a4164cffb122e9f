package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.internal.UprobeResolver;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * A {@code KPROBE} program (uprobes share kprobes' program type and {@code pt_regs} context)
 * attached to a function in a user-space ELF file through the uprobe PMU: {@code config1}
 * points at the file's path, {@code config2} is the file offset, the retprobe bit makes it a
 * uretprobe. With a pid the event follows that process on every CPU; without, every process.
 *
 * <p>How the target is found: the binary is a path or a short library/program name
 * ({@code "libc"}) looked up through this process's mappings, {@code /etc/ld.so.cache} or the
 * standard directories; the symbol is plain, {@code memcpy@@GLIBC_2.14} for the default version
 * or {@code memcpy@GLIBC_2.2.5} for another; an offset is added to it (with no symbol, it is the
 * file offset). IFUNC symbols (libc's {@code strlen}) resolve to the implementation this process
 * uses ({@code dlsym} mapped back to a file offset through {@code /proc/self/maps}); the resolver
 * itself is never probed.
 *
 * <pre>{@code
 * try (BpfLink l = prog.attach(AttachPoint.uprobe("libc", "getaddrinfo"), UprobeLink.Options.pid(1234))) { ... }
 * UprobeLink.Location where = UprobeLink.resolve(AttachPoint.uprobe("libc", "getpid"));   // no kernel call
 * }</pre>
 */
public final class UprobeLink extends PerfBackedLink {
    private static final Logger LOG = Logs.get(UprobeLink.class);

    /**
     * Options of a uprobe or uretprobe attachment.
     *
     * @param pid only this process (-1: every process)
     * @param refCtrOffset file offset of a USDT semaphore the kernel increments while the probe is
     *                     attached (0: none; the uprobe PMU's {@code ref_ctr_offset}, Linux 4.20+)
     * @param cookie the value {@code bpf_get_attach_cookie()} returns in the program (0: none; Linux 5.15+)
     */
    public record Options(int pid, long refCtrOffset, long cookie) implements LinkOptions {
        /** No options: every process, no semaphore, no cookie. */
        public static final Options NONE = new Options(-1, 0, 0);

        public Options {
            if (pid < -1 || pid == 0) {
                throw new IllegalArgumentException("uprobe pid " + pid + ": expected a process id (> 0) or -1 for every process");
            }
            if (refCtrOffset < 0 || refCtrOffset > 0xffffffffL) {
                throw new IllegalArgumentException("uprobe ref_ctr_offset " + refCtrOffset + ": expected 0..0xffffffff");
            }
        }

        /** Only process {@code pid}. */
        public static Options pid(int pid) {
            return new Options(pid, 0, 0);
        }
    }

    /**
     * A uprobe target resolved to what the kernel takes.
     *
     * @param file the file the probe goes in
     * @param fileOffset the offset in that file
     * @param ifunc true if the symbol was an IFUNC resolved through this process
     * @param description how it was resolved, for logs and errors
     */
    public record Location(Path file, long fileOffset, boolean ifunc, String description) {
    }

    private UprobeLink(Kernel kernel, Attached attached, AttachPoint.UserFunction target, String attachedTo,
                       String description) {
        super(kernel, attached, target, attachedTo, target.symbol(), description, null);
    }

    /** Resolves the file and offset of {@code fn} (reads ELF headers; no kernel call). */
    public static Location resolve(AttachPoint.UserFunction fn) {
        UprobeResolver.Location l = UprobeResolver.resolve(fn.binary(), fn.symbol(), fn.offset());
        return new Location(l.file(), l.fileOffset(), l.ifunc(), l.description());
    }

    /**
     * The functions a uprobe can go on in an ELF file.
     *
     * @param file the file, a library name resolved as the dynamic loader would
     * @param names the defined function symbols (STT_FUNC and STT_GNU_IFUNC) of its symbol tables, sorted,
     *     without versions or duplicates
     */
    public record Functions(Path file, List<String> names) {
        public Functions {
            names = List.copyOf(names);
        }
    }

    /**
     * Lists the functions of {@code binary} (a path, or a library name such as {@code libc}), for
     * tools that take wildcards ({@code libc:str*}). Reads ELF headers; no kernel call.
     *
     * <pre>{@code
     * UprobeLink.Functions libc = UprobeLink.functions("libc");
     * libc.names().contains("getaddrinfo");   // true
     * }</pre>
     *
     * @throws IllegalArgumentException when the file cannot be found or read as ELF
     */
    public static Functions functions(String binary) {
        try {
            Path file = io.bpf4j.syscall.internal.Libraries.resolve(binary);
            java.util.TreeSet<String> names = new java.util.TreeSet<>();
            for (io.bpf4j.syscall.internal.ElfSymbols.Symbol s : io.bpf4j.syscall.internal.ElfSymbols.read(file).symbols()) {
                if ((s.type() == io.bpf4j.syscall.internal.ElfSymbols.STT_FUNC
                        || s.type() == io.bpf4j.syscall.internal.ElfSymbols.STT_GNU_IFUNC) && s.value() != 0) {
                    names.add(s.name());
                }
            }
            return new Functions(file, List.copyOf(names));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot list the functions of '" + binary + "': " + e.getMessage(), e);
        }
    }

    static UprobeLink attach(BpfProgram prog, AttachPoint.UserFunction fn, Options options) {
        Kernel kernel = prog.kernel();
        String kind = fn.isReturn() ? "uretprobe" : "uprobe";
        int pmu = ProbePmus.type(kernel, "uprobe");
        if (pmu < 0) {
            throw new BpfException(kind + " " + fn, Errno.EOPNOTSUPP, "this kernel has no uprobe PMU ("
                    + ProbePmus.PMUS.resolve("uprobe") + " missing: CONFIG_UPROBE_EVENTS off?)");
        }
        int pid = options.pid();
        if (pid > 0 && kernel.pathKind(Path.of("/proc", Integer.toString(pid))) == Kernel.PathKind.MISSING) {
            throw new BpfException(kind + " " + fn, Errno.ESRCH, "no process " + pid + " (/proc/" + pid + " missing)");
        }
        Location r = resolve(fn);
        long config = fn.isReturn() ? 1L << ProbePmus.retprobeBit(kernel, "uprobe") : 0;
        if (options.refCtrOffset() != 0) {
            config |= options.refCtrOffset() << ProbePmus.formatBit(kernel, "uprobe", "ref_ctr_offset", 32);
        }
        int pfd;
        try {
            pfd = kernel.perfEventOpen(new Kernel.PerfEventAttr(pmu, config, 1, 0, 0, 1, r.file().toString(), 0,
                    r.fileOffset()), pid, pid > 0 ? -1 : 0, -1, Kernel.PERF_FLAG_FD_CLOEXEC);
        } catch (BpfException e) {
            String hint = e.errno() == Errno.ESRCH ? "no process " + pid
                    : e.errno() == Errno.EINVAL ? "the kernel refused offset 0x" + Long.toHexString(r.fileOffset()) + " in "
                    + r.file() + " (not an instruction boundary?)"
                    : e.errno() == Errno.EACCES || e.errno() == Errno.EPERM ? Privileges.missingForUprobes().orElse(e.hint())
                    : e.hint();
            throw new BpfException("perf_event_open (" + kind + " " + r.description() + ")", e.errno(), hint, e);
        }
        String attachedTo = kind + " " + (fn.symbol() == null ? "" : fn.symbol() + " = ") + r.description()
                + (pid > 0 ? " pid " + pid : "");
        String description = attachedTo + " <- " + prog;
        LOG.debug("attaching {}", description);
        Attached a = attach(kernel, prog.fd(), new int[] {pfd}, options.cookie(), description, null);
        return new UprobeLink(kernel, a, fn, attachedTo, description);
    }
}
