/** The kernel side of bpf4j: bpf(2), perf_event_open(2), maps, programs and links through JNA. */
module io.bpf4j.syscall {
    requires transitive io.bpf4j.core;
    requires com.sun.jna;
    requires org.slf4j;
}
