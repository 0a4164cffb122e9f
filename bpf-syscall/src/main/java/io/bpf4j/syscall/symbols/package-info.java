/**
 * Names for the addresses in a stack trace: kernel frames from {@code /proc/kallsyms}, native
 * frames from {@code /proc/PID/maps} and the ELF symbol tables of the mapped files (load bias
 * and PIE included), Java frames from the JVM's perf map ({@code /tmp/perf-PID.map}, written on
 * request with {@code jcmd PID Compiler.perfmap}). Parsing takes text, so every format is tested
 * with fixtures; each file or command is read through one method of {@link
 * io.bpf4j.syscall.symbols.SymbolSources}.
 *
 * <pre>{@code
 * Symbolizer symbolizer = new Symbolizer(SymbolSources.system());
 * symbolizer.javaPerfMap(pid);                       // asks a JVM for its perf map (JDK 17+)
 * List<Frame> user = symbolizer.user(pid, userAddresses);
 * List<Frame> kernel = symbolizer.kernel(kernelAddresses);
 * }</pre>
 */
package io.bpf4j.syscall.symbols;
