package io.bpf4j.syscall.symbols;

import io.bpf4j.syscall.internal.PseudoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link SymbolSources} for this machine. Files of another process are read through
 * {@code /proc/PID/root}, so a process in a container is read in its own mount namespace, and
 * its perf map under the pid it knows itself by (the last {@code NSpid} of its status).
 */
final class SystemSymbolSources implements SymbolSources {
    static final SystemSymbolSources INSTANCE = new SystemSymbolSources();
    private static final long JCMD_TIMEOUT_SECONDS = 30;

    private SystemSymbolSources() {
    }

    @Override
    public String kallsyms() throws IOException {
        return PseudoFiles.read(Path.of("/proc/kallsyms"));
    }

    @Override
    public String maps(int pid) throws IOException {
        return PseudoFiles.read(Path.of("/proc/" + pid + "/maps"));
    }

    @Override
    public String perfMap(int pid) throws IOException {
        // Decoded leniently: one odd byte in a method name must not cost every Java frame its name.
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/root/tmp/perf-" + namespacePid(pid) + ".map")),
                StandardCharsets.UTF_8);
    }

    @Override
    public Path elfFile(int pid, Mapping mapping) {
        String path = mapping.path();
        if (path.endsWith(" (deleted)")) {
            path = path.substring(0, path.length() - " (deleted)".length());
        }
        Path inRoot = Path.of("/proc/" + pid + "/root" + path);
        return Files.isReadable(inRoot) ? inRoot : Path.of(path);
    }

    @Override
    public String jcmd(int pid, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(jcmdFor(pid));
        cmd.add(String.valueOf(pid));
        cmd.addAll(List.of(command));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + " (" + e.getMessage() + "): install a JDK (jcmd)", e);
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + JCMD_TIMEOUT_SECONDS + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || text.contains("Exception") || text.contains("Unknown diagnostic command")) {
                throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                        + text.trim().replace('\n', ' '));
            }
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    /** The target JVM's own jcmd when it has one next to its java launcher, else jcmd from PATH. */
    private static String jcmdFor(int pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
            Path sibling = Path.of("/proc/" + pid + "/root" + exe.resolveSibling("jcmd"));
            if (Files.isExecutable(sibling)) {
                return sibling.toString();
            }
            if (Files.isExecutable(exe.resolveSibling("jcmd"))) {
                return exe.resolveSibling("jcmd").toString();
            }
        } catch (IOException | RuntimeException e) {
            // Gone, or not ours to read: PATH decides.
        }
        return "jcmd";
    }

    /** The pid the process sees itself as (differs inside a pid namespace). */
    private static int namespacePid(int pid) {
        try {
            for (String line : PseudoFiles.read(Path.of("/proc/" + pid + "/status")).split("\n")) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Integer.parseInt(f[f.length - 1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // An old kernel without NSpid, or the process is gone: its pid is the best guess.
        }
        return pid;
    }
}
