/** C struct layouts for BPF events, kernel BTF and tracepoint formats. */
module io.bpf4j.structs {
    requires transitive io.bpf4j.core;

    exports io.bpf4j.structs;
    exports io.bpf4j.structs.btf;
    exports io.bpf4j.structs.tracepoint;
}
