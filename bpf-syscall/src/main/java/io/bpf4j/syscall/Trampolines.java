package io.bpf4j.syscall;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.internal.VmlinuxFunctions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.zip.GZIPInputStream;

/**
 * What fentry, fexit and LSM programs need from the kernel: the {@code attach_btf_id} of their
 * function from vmlinux BTF (read once per {@link Kernel}), whether the BPF LSM is active, and,
 * when the kernel refuses them, the facts that say why (lockdown, kernel config, ftrace).
 * Every file is read through the {@link Kernel} seam.
 */
final class Trampolines {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    static final Path SECURITYFS = Path.of("/sys/kernel/security");
    static final Path LSM = SECURITYFS.resolve("lsm");
    static final Path LOCKDOWN = SECURITYFS.resolve("lockdown");
    static final Path CONFIG_GZ = Path.of("/proc/config.gz");

    private static final Map<Kernel, VmlinuxFunctions> FUNCTIONS = Collections.synchronizedMap(new WeakHashMap<>());

    private Trampolines() {
    }

    /** The BTF function the kernel attaches {@code point} to, or null when the point is not BTF-attached. */
    static String btfFunction(AttachPoint point) {
        if (point instanceof AttachPoint.TracingFunction) {
            return ((AttachPoint.TracingFunction) point).function();
        }
        if (point instanceof AttachPoint.LsmHook) {
            return ((AttachPoint.LsmHook) point).btfFunction();
        }
        return null;
    }

    /** The {@code attach_btf_id} to load a program for {@code point} with: 0 for points that take none. */
    static int attachBtfId(Kernel kernel, AttachPoint point) {
        int given = point instanceof AttachPoint.TracingFunction ? ((AttachPoint.TracingFunction) point).btfId()
                : point instanceof AttachPoint.LsmHook ? ((AttachPoint.LsmHook) point).btfId() : 0;
        String function = btfFunction(point);
        if (function == null || given > 0) {
            return given;
        }
        return function(kernel, function, point).btfId();
    }

    /** The function's BTF id and parameter names. */
    static VmlinuxFunctions.Function function(Kernel kernel, String function, AttachPoint point) {
        VmlinuxFunctions.Function f = functions(kernel).find(function);
        if (f == null) {
            throw new BpfException("BTF lookup (" + point + ")", Errno.ENOENT, "vmlinux BTF has no function '" + function
                    + "'" + (point instanceof AttachPoint.LsmHook ? ": no such LSM hook in this kernel" : "")
                    + " (inlined or static functions have none; see `bpftool btf dump file " + VMLINUX + " | grep`)");
        }
        return f;
    }

    private static VmlinuxFunctions functions(Kernel kernel) {
        VmlinuxFunctions f = FUNCTIONS.get(kernel);
        if (f != null) {
            return f;
        }
        byte[] btf;
        try {
            btf = kernel.readBinaryFile(VMLINUX);
        } catch (IOException e) {
            throw new BpfException("read " + VMLINUX, Errno.ENOENT, "fentry, fexit and LSM programs need the kernel's BTF "
                    + "(CONFIG_DEBUG_INFO_BTF=y, Linux 5.5+): " + e.getMessage());
        }
        f = VmlinuxFunctions.parse(btf);
        FUNCTIONS.put(kernel, f);
        return f;
    }

    /** Refuses an LSM attach where the BPF LSM does not run (its hooks would never fire). */
    static void requireBpfLsm(Kernel kernel, AttachPoint point) {
        String lsms = securityFile(kernel, LSM);
        if (lsms != null && !List.of(lsms.trim().split(",")).contains("bpf")) {
            throw new BpfException("attach " + point, Errno.EOPNOTSUPP, "the BPF LSM is not active on this kernel (active: "
                    + lsms.trim() + "): it needs CONFIG_BPF_LSM=y" + config(kernel, "CONFIG_BPF_LSM")
                    + " and 'bpf' in the lsm= boot parameter, e.g. lsm=" + lsms.trim() + ",bpf");
        }
    }

    /** Why a root process was refused a trampoline program (fentry, fexit, LSM) with EPERM: the facts this kernel shows. */
    static String whyRefused(Kernel kernel) {
        List<String> facts = new ArrayList<>();
        String lockdown = securityFile(kernel, LOCKDOWN);
        if (lockdown != null) {
            int a = lockdown.indexOf('[');
            int b = lockdown.indexOf(']');
            facts.add("lockdown is " + (a >= 0 && b > a ? lockdown.substring(a + 1, b) : lockdown.trim())
                    + (lockdown.contains("[none]") || lockdown.contains("[integrity]")
                    ? " (in mainline Linux neither integrity nor none refuses BPF trampolines)" : ""));
        }
        String directCalls = config(kernel, "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS");
        if (!directCalls.isEmpty()) {
            facts.add("the kernel config has" + directCalls.replace(" (", " ").replace(")", ""));
        }
        Path filter = Tracefs.TRACING.resolve("available_filter_functions");
        if (kernel.pathKind(filter) == Kernel.PathKind.FILE) {
            try {
                kernel.readFile(filter);
                facts.add("ftrace's function list is readable");
            } catch (IOException e) {
                facts.add("ftrace's function hooks are refused too (reading " + filter + ": " + reason(e) + ")");
            }
        }
        return "this kernel refuses BPF trampolines, which fentry, fexit and LSM programs need"
                + (facts.isEmpty() ? "" : ": " + String.join("; ", facts))
                + ". Trampolines patch function entries through ftrace; where ftrace function hooks are refused, use a "
                + "tracepoint, a raw or BTF tracepoint, or a kprobe instead";
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (m != null && m.endsWith(")") && m.lastIndexOf(" (") > 0) {
            return m.substring(m.lastIndexOf(" (") + 2, m.length() - 1);   // FileNotFoundException: "path (reason)"
        }
        int colon = m == null ? -1 : m.lastIndexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    /** A securityfs file's text, mounting securityfs first if needed; null when it cannot be read. */
    private static String securityFile(Kernel kernel, Path file) {
        if (kernel.pathKind(file) == Kernel.PathKind.MISSING && kernel.pathKind(SECURITYFS) == Kernel.PathKind.DIRECTORY) {
            try {
                kernel.mount("securityfs", SECURITYFS.toString(), "securityfs", 0);
            } catch (BpfException e) {
                return null;
            }
        }
        try {
            return kernel.readFile(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** " (CONFIG_X=y in /proc/config.gz)", " (CONFIG_X is not set ...)", or "" where the config cannot be read. */
    static String config(Kernel kernel, String option) {
        byte[] gz;
        try {
            gz = kernel.readBinaryFile(CONFIG_GZ);
        } catch (IOException e) {
            return "";
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.startsWith(option + "=")) {
                    return " (" + line + " in " + CONFIG_GZ + ")";
                }
            }
            return " (" + option + " is not set in " + CONFIG_GZ + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
