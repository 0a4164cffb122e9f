/**
 * Reading BPF ring buffers ({@code BPF_MAP_TYPE_RINGBUF}) from mapped memory:
 * {@link io.bpf4j.ringbuf.RingBufferReader} for one ring, {@link io.bpf4j.ringbuf.RingBufferPoller}
 * for several behind one epoll set, {@link io.bpf4j.ringbuf.RingBufferLayout} for the layout.
 *
 * <pre>{@code
 * try (RingBufferReader reader = RingBufferReader.open(events)) {
 *     reader.poll(Duration.ofMillis(100), rec -> System.out.println(rec.getLong(0)));
 * }
 * }</pre>
 */
package io.bpf4j.ringbuf;
