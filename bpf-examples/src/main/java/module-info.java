/** The ./bpf4j command line tools, built only on the public API. */
module io.bpf4j.examples {
    requires io.bpf4j.core;
    requires io.bpf4j.structs;
    requires io.bpf4j.kprobe;
    requires io.bpf4j.syscall;
    requires io.bpf4j.ringbuf;
    requires info.picocli;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    opens io.bpf4j.examples to info.picocli;
    opens io.bpf4j.examples.profile to info.picocli;
    opens io.bpf4j.examples.net to info.picocli;
    opens io.bpf4j.examples.lsm to info.picocli;
}
