// The deterministic ring-buffer producer the libbpf reference loads (bpf4j builds the same
// program in Java with bpf-core: io.bpf4j.bench.kernel.Producer). One BPF_PROG_TEST_RUN of
// `produce` emits ctx->count records of 16, 64 or 256 bytes into a 16 MiB ring buffer: u64
// sequence number (ctx->seq + i) at offset 0, u64 bpf_ktime_get_ns() at offset 8, the rest
// left as reserved. Reservations that fail are counted in ctx->dropped, which the kernel copies
// back to user space after the run.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20);
} rb SEC(".maps");

struct produce_ctx {
    __u64 count;
    __u64 size;
    __u64 seq;
    __u64 flags;
    __u64 dropped;
};

static long emit_one(__u64 index, struct produce_ctx *c)
{
    __u64 *rec;

    // bpf_ringbuf_reserve needs a size the verifier knows: one call per size class.
    if (c->size > 64)
        rec = bpf_ringbuf_reserve(&rb, 256, 0);
    else if (c->size > 16)
        rec = bpf_ringbuf_reserve(&rb, 64, 0);
    else
        rec = bpf_ringbuf_reserve(&rb, 16, 0);
    if (rec == NULL) {
        c->dropped += 1;
        return 0;
    }
    rec[0] = c->seq + index;
    rec[1] = bpf_ktime_get_ns();
    bpf_ringbuf_submit(rec, c->flags);
    return 0;
}

SEC("syscall")
int produce(struct produce_ctx *ctx)
{
    struct produce_ctx on_stack = *ctx;   // bpf_loop passes a stack pointer to the callback

    bpf_loop(on_stack.count, emit_one, &on_stack, 0);
    ctx->dropped = on_stack.dropped;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
