/**
 * kprobe, kretprobe, uprobe, uretprobe, syscall, tracepoint and raw tracepoint program builders:
 * the lab's {@code kprobe-prologue}, {@code defkprobe-instructions} and
 * {@code defkretprobe-instructions}. Pure code generation: nothing here calls the kernel.
 */
module io.bpf4j.kprobe {
    requires transitive io.bpf4j.core;
    requires transitive io.bpf4j.structs;

    exports io.bpf4j.kprobe;
}
