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
    requires org.slf4j;

    exports io.bpf4j.ringbuf;
}
