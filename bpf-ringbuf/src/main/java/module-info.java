/** BPF ring-buffer consumer over mmap'ed memory. */
module io.bpf4j.ringbuf {
    requires transitive io.bpf4j.syscall;
    requires org.slf4j;
}
