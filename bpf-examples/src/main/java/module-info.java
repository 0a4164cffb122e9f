/** The ./bpf4j command line tools, built only on the public API. */
@SuppressWarnings("requires-automatic")     // the Prometheus client jars are automatic modules
module io.bpf4j.examples {
    requires io.bpf4j.core;
    requires io.bpf4j.structs;
    requires io.bpf4j.kprobe;
    requires io.bpf4j.syscall;
    requires io.bpf4j.ringbuf;
    requires io.bpf4j.compiler;
    requires info.picocli;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.exporter.httpserver;
    // The Prometheus exporter serves through the JDK's HTTP server; an automatic module does not
    // pull it into the module graph.
    requires jdk.httpserver;
    // The compiler reads CompiledExecTracer's map fields; bpf-structs decodes its record.
    opens io.bpf4j.examples to info.picocli, io.bpf4j.compiler, io.bpf4j.structs;
    opens io.bpf4j.examples.profile to info.picocli;
    opens io.bpf4j.examples.net to info.picocli;
    opens io.bpf4j.examples.lsm to info.picocli;
}
