/** kprobe, uprobe, syscall and tracepoint program builders. */
module io.bpf4j.kprobe {
    requires transitive io.bpf4j.core;
    requires transitive io.bpf4j.structs;
}
