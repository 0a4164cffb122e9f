/**
 * The kernel side of bpf4j: bpf(2), perf_event_open(2), maps, programs and links through JNA.
 * {@code io.bpf4j.syscall} is the API; {@code io.bpf4j.syscall.internal} stays private (opened to
 * JNA only, which registers the direct-mapped natives there).
 */
module io.bpf4j.syscall {
    requires transitive io.bpf4j.core;
    requires com.sun.jna;
    requires org.slf4j;

    exports io.bpf4j.syscall;
    exports io.bpf4j.syscall.symbols;
    opens io.bpf4j.syscall.internal to com.sun.jna;
    // Logs asks whether an SLF4J binding is present before SLF4J would warn that none is.
    uses org.slf4j.spi.SLF4JServiceProvider;
}
