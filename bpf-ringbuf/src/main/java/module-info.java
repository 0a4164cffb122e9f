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
    // JNA registers RetiringMapping's direct-mapped mmap/munmap there.
    opens io.bpf4j.ringbuf.internal to com.sun.jna;
}
