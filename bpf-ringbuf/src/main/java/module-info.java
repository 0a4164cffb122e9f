/**
 * BPF ring-buffer consumer over mmap'ed memory: zero-copy batches, epoll, several rings per poller.
 *
 * <pre>{@code
 * try (RingBufferReader reader = RingBufferReader.open(events)) {
 *     reader.poll(Duration.ofMillis(100), rec -> System.out.println(rec.getLong(0)));
 * }
 * }</pre>
 */
module io.bpf4j.ringbuf {
    requires transitive io.bpf4j.syscall;
    requires com.sun.jna;
    requires org.slf4j;

    exports io.bpf4j.ringbuf;
    // Logs asks whether an SLF4J binding is present before SLF4J would warn that none is.
    uses org.slf4j.spi.SLF4JServiceProvider;
    // JNA registers RetiringMapping's direct-mapped mmap/munmap there.
    opens io.bpf4j.ringbuf.internal to com.sun.jna;
}
