/** A tracer written against bpf4j's public API, as a user's project would be. */
module example.tracer {
    requires io.bpf4j.kprobe;
    requires io.bpf4j.ringbuf;
}
