package io.bpf4j.syscall.symbols;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a {@link Symbolizer} reads from: one method per source, so tests (and a faked kernel)
 * can hand it fixtures. {@link #system()} reads this machine.
 *
 * <pre>{@code
 * SymbolSources fixtures = new SymbolSources() {
 *     public String kallsyms() { return "ffffffff81000000 T _stext\n"; }
 *     ...
 * };
 * new Symbolizer(fixtures).kernel(new long[] {0xffffffff81000010L});
 * }</pre>
 */
public interface SymbolSources {
    /** The text of {@code /proc/kallsyms}. */
    String kallsyms() throws IOException;

    /** The text of {@code /proc/PID/maps}. */
    String maps(int pid) throws IOException;

    /**
     * The text of the process's perf map ({@code /tmp/perf-PID.map} as the process sees it).
     *
     * @throws java.nio.file.NoSuchFileException if the process has none
     */
    String perfMap(int pid) throws IOException;

    /** The file to read for a file-backed mapping of the process (its path as the process sees it). */
    Path elfFile(int pid, Mapping mapping);

    /**
     * Runs {@code jcmd PID <command...>} against a JVM and returns its output.
     *
     * @throws IOException if jcmd cannot be run, fails or times out (the message says which)
     */
    String jcmd(int pid, String... command) throws IOException;

    /** This machine: /proc, /tmp through /proc/PID/root, and the target JVM's own jcmd. */
    static SymbolSources system() {
        return SystemSymbolSources.INSTANCE;
    }
}
