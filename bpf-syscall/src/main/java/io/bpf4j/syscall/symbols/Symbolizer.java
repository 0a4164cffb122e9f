package io.bpf4j.syscall.symbols;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import io.bpf4j.syscall.internal.Logs;

/**
 * Names the addresses of kernel and user stacks, caching what it reads: kallsyms once, each
 * process's maps and perf map once, each ELF file once (by path and inode, shared by every
 * process that maps it). A user address falls in a file-backed mapping (named from that file's
 * ELF symbols) or in anonymous memory (named from the process's perf map: JIT-compiled Java,
 * the interpreter, JVM stubs); what nothing names is {@code [unknown]} or
 * {@code [module+0xoffset]}.
 *
 * <p>Addresses come as a stack walker gives them, leaf first: the first is an instruction
 * pointer, the others are return addresses and are looked up one byte earlier (inside the
 * call), so a call that is the last instruction of a function is not named after the next one.
 *
 * <pre>{@code
 * Symbolizer s = new Symbolizer(SymbolSources.system());
 * JavaSymbols java = s.javaPerfMap(pid);         // only for JVMs; says why not when it cannot
 * List<Frame> frames = s.user(pid, stack);       // leaf first
 * }</pre>
 *
 * Not thread-safe.
 */
public final class Symbolizer {
    private static final Logger LOG = Logs.get(Symbolizer.class);

    private final SymbolSources sources;
    private KernelSymbols kernel;
    private final Map<Integer, ProcessView> processes = new HashMap<>();
    private final Map<String, ElfSymbolTable> elfFiles = new HashMap<>();
    private final Map<String, String> elfProblems = new HashMap<>();

    /** A symbolizer reading from {@code sources}. */
    public Symbolizer(SymbolSources sources) {
        this.sources = sources;
    }

    /** The kernel's symbols (read on first use; empty, with a warning logged, if kallsyms is unreadable). */
    public KernelSymbols kernelSymbols() {
        if (kernel == null) {
            try {
                kernel = KernelSymbols.parse(sources.kallsyms());
            } catch (IOException e) {
                LOG.warn("cannot read /proc/kallsyms ({}): kernel frames stay unnamed", e.getMessage());
                kernel = KernelSymbols.parse("");
            }
        }
        return kernel;
    }

    /** Names a kernel stack, leaf first. */
    public List<Frame> kernel(long[] stack) {
        KernelSymbols k = kernelSymbols();
        List<Frame> out = new ArrayList<>(stack.length);
        for (int i = 0; i < stack.length; i++) {
            out.add(k.resolve(i == 0 ? stack[i] : stack[i] - 1));
        }
        return out;
    }

    /** Names a user stack of process {@code pid}, leaf first. */
    public List<Frame> user(int pid, long[] stack) {
        ProcessView p = process(pid);
        List<Frame> out = new ArrayList<>(stack.length);
        for (int i = 0; i < stack.length; i++) {
            out.add(p.resolve(i == 0 ? stack[i] : stack[i] - 1));
        }
        return out;
    }

    /** True if the process maps {@code libjvm.so} (a HotSpot JVM). */
    public boolean isJvm(int pid) {
        for (Mapping m : process(pid).mappings) {
            if (m.shortName().equals("libjvm.so")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks JVM {@code pid} to write its perf map now ({@code jcmd PID Compiler.perfmap}, JDK 17+)
     * and reads it, so JIT-compiled methods are named; also reads {@code PreserveFramePointer}
     * ({@code jcmd PID VM.flags -all}). Call it after sampling: methods compiled during the
     * profile are then in the map. A failure is reported in the result, never thrown.
     */
    public JavaSymbols javaPerfMap(int pid) {
        String problem = null;
        try {
            sources.jcmd(pid, "Compiler.perfmap");
        } catch (IOException e) {
            problem = "could not ask JVM " + pid + " for its perf map: " + e.getMessage()
                    + ". Java frames are named only from an existing /tmp/perf-" + pid + ".map: JDK 17+ writes one on "
                    + "'jcmd " + pid + " Compiler.perfmap' (run it as the JVM's user), or at exit with "
                    + "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit";
        }
        Boolean fp = null;
        try {
            for (String line : sources.jcmd(pid, "VM.flags", "-all").split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[1].equals("PreserveFramePointer") && f[2].equals("=")) {
                    fp = Boolean.valueOf(f[3]);
                }
            }
        } catch (IOException e) {
            LOG.debug("VM.flags of {}: {}", pid, e.getMessage());
        }
        ProcessView p = process(pid);
        p.perfMap = null;
        p.perfMapTried = false;
        PerfMap map = p.perfMap();
        if (map == null && problem == null) {
            problem = "JVM " + pid + " wrote no readable perf map (/tmp/perf-" + pid + ".map): Java frames stay unnamed";
        }
        return new JavaSymbols(pid, map != null, map == null ? 0 : map.size(), fp, map != null ? null : problem);
    }

    /** Forgets what was read about {@code pid} (its maps and perf map), e.g. after it exec'd. */
    public void forget(int pid) {
        processes.remove(pid);
    }

    private ProcessView process(int pid) {
        return processes.computeIfAbsent(pid, this::readProcess);
    }

    private ProcessView readProcess(int pid) {
        List<Mapping> maps;
        try {
            maps = Mapping.parse(sources.maps(pid));
        } catch (IOException e) {
            LOG.debug("maps of {}: {}", pid, e.getMessage());
            maps = List.of();
        }
        maps = new ArrayList<>(maps);
        maps.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        return new ProcessView(pid, maps);
    }

    private ElfSymbolTable elf(int pid, Mapping m) {
        String key = m.path() + "#" + m.inode();
        ElfSymbolTable t = elfFiles.get(key);
        if (t != null || elfProblems.containsKey(key)) {
            return t;
        }
        Path file = sources.elfFile(pid, m);
        try {
            t = ElfSymbolTable.read(file);
            elfFiles.put(key, t);
        } catch (IOException e) {
            LOG.debug("symbols of {}: {}", file, e.getMessage());
            elfProblems.put(key, String.valueOf(e.getMessage()));
        }
        return t;
    }

    /** One process: its mappings (sorted) and, lazily, its perf map. */
    private final class ProcessView {
        final int pid;
        final List<Mapping> mappings;
        PerfMap perfMap;
        boolean perfMapTried;

        ProcessView(int pid, List<Mapping> mappings) {
            this.pid = pid;
            this.mappings = mappings;
        }

        PerfMap perfMap() {
            if (!perfMapTried) {
                perfMapTried = true;
                try {
                    perfMap = PerfMap.parse(sources.perfMap(pid));
                } catch (NoSuchFileException e) {
                    perfMap = null;
                } catch (IOException e) {
                    LOG.debug("perf map of {}: {}", pid, e.getMessage());
                }
            }
            return perfMap;
        }

        Mapping mappingAt(long address) {
            int lo = 0;
            int hi = mappings.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Mapping m = mappings.get(mid);
                if (Long.compareUnsigned(address, m.start()) < 0) {
                    hi = mid - 1;
                } else if (Long.compareUnsigned(address, m.end()) >= 0) {
                    lo = mid + 1;
                } else {
                    return m;
                }
            }
            return null;
        }

        Frame resolve(long address) {
            Mapping m = mappingAt(address);
            if (m != null && m.fileBacked()) {
                ElfSymbolTable t = elf(pid, m);
                String name = t == null ? null : t.resolve(m, address);
                if (name != null) {
                    return new Frame(name, FrameKind.NATIVE);
                }
                return Frame.unknown(m.shortName(), address - m.start() + m.offset());
            }
            PerfMap map = perfMap();
            Frame f = map == null ? null : map.resolve(address);
            if (f != null) {
                return f;
            }
            return m != null && !m.path().isEmpty() ? Frame.unknown(m.path(), address - m.start()) : Frame.unknown(null, 0);
        }
    }
}
