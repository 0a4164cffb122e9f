// libbpf reference for bpf4j's ring-buffer benchmarks (bpf-bench/compare.sh builds and runs it).
//
//   drain SIZE RECORDS ROUNDS  each round: one test run of the producer fills the ring with
//                              RECORDS records of SIZE bytes (BPF_RB_NO_WAKEUP); only
//                              ring_buffer__consume() draining them is timed.
//   latency SAMPLES [busy]     a second thread produces one record every 200 us (default
//                              wake-up); the consumer blocks in ring_buffer__poll() (or, with
//                              "busy", spins on ring_buffer__consume() with a pause between
//                              calls); latency is
//                              CLOCK_MONOTONIC in the callback minus the record's bpf_ktime_get_ns().
//                              With "busy", the spinning thread and the producer thread are
//                              pinned to the first two CPUs this process may use (when it may
//                              use two): a spinner measures its reaction only with a CPU of its
//                              own, which the producer thread would otherwise share whenever
//                              another tenant holds the second CPU.
//   latency SAMPLES floor STRATEGY
//                              as "busy", with a spinner written here over the ring's mapped
//                              pages instead of ring_buffer__consume(), to find the floor of
//                              this machine and what a spinner's strategy changes (BENCHMARKS.md,
//                              Busy-poll): STRATEGY is one of
//                                after      the position; once it moved, the header, looked at
//                                           again without a pause while BUSY (bpf4j's busyPoll)
//                                pause      as after, with a pause between looks at a BUSY
//                                           header (as the "busy" loop above)
//                                backoff:K  as pause, with K pauses between seeing the position
//                                           move and the first look at the header
//                                together   as after, with the header also loaded in every look,
//                                           right after the position
//
// Output: one line of key=value pairs, parsed by compare.sh.
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct produce_ctx { uint64_t count, size, seq, flags, dropped; };

static int producer_fd;
static uint64_t next_seq, out_of_order, drained;
static uint64_t *samples;
static volatile int taken;
static int producer_cpu = -1;   // the CPU the producer thread pins itself to (-1: not pinned)

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t run_producer(uint64_t count, uint64_t size, uint64_t seq, uint64_t flags)
{
    struct produce_ctx c = { .count = count, .size = size, .seq = seq, .flags = flags };
    LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &c, .ctx_size_in = sizeof(c));
    if (bpf_prog_test_run_opts(producer_fd, &opts) != 0) {
        perror("BPF_PROG_TEST_RUN");
        exit(1);
    }
    return c.dropped;   // syscall programs get their context copied back into ctx_in
}

static int count_record(void *ctx, void *data, size_t len)
{
    uint64_t seq = *(const uint64_t *)data;
    out_of_order += seq != next_seq;
    next_seq = seq + 1;
    drained++;
    return 0;
}

static int stamp_record(void *ctx, void *data, size_t len)
{
    uint64_t now = monotonic_ns();
    samples[taken] = now - ((const uint64_t *)data)[1];
    taken++;
    return 0;
}

static int pin_to(int cpu)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return sched_setaffinity(0, sizeof(one), &one);   // 0: the calling thread
}

static void *tick(void *arg)
{
    int n = *(const int *)arg;
    if (producer_cpu >= 0 && pin_to(producer_cpu) != 0) { perror("sched_setaffinity"); exit(1); }
    for (int i = 0; i < n; i++) {
        usleep(200);
        run_producer(1, 16, (uint64_t)i, 0);
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int drain(int map_fd, uint64_t size, uint64_t records, int rounds)
{
    struct ring_buffer *rb = ring_buffer__new(map_fd, count_record, NULL, NULL);
    uint64_t total_ns = 0, total = 0;
    double best = 0;

    if (!rb) { perror("ring_buffer__new"); return 1; }
    for (int r = 0; r < rounds; r++) {
        uint64_t dropped = run_producer(records, size, next_seq, BPF_RB_NO_WAKEUP);
        if (dropped) { fprintf(stderr, "%llu records dropped: ring too small\n", (unsigned long long)dropped); return 1; }
        uint64_t t0 = monotonic_ns();
        int got = ring_buffer__consume(rb);
        uint64_t dt = monotonic_ns() - t0;
        if (got < 0 || (uint64_t)got != records) { fprintf(stderr, "consumed %d of %llu\n", got, (unsigned long long)records); return 1; }
        double rate = records * 1e9 / dt;
        if (rate > best) best = rate;
        total_ns += dt;
        total += records;
    }
    printf("drain size=%llu records=%llu rounds=%d mean_rps=%.0f best_rps=%.0f ns_per_record=%.3f seq_errors=%llu\n",
           (unsigned long long)size, (unsigned long long)records, rounds, total * 1e9 / total_ns, best,
           (double)total_ns / total, (unsigned long long)out_of_order);
    ring_buffer__free(rb);
    return out_of_order != 0;
}

static void spin_pause(void)
{
#if defined(__x86_64__)
    __builtin_ia32_pause();   // as Thread.onSpinWait() in bpf4j's busy poll
#endif
}

// Pins this thread and (through producer_cpu) the producer thread to the first two CPUs this
// process may use; writes "SPINNER,PRODUCER" or leaves "no" in pinned.
static void pin_both(char *pinned, size_t size)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0 || CPU_COUNT(&allowed) < 2)
        return;
    int spinner_cpu = -1;
    for (int c = 0; c < CPU_SETSIZE && producer_cpu < 0; c++) {
        if (CPU_ISSET(c, &allowed)) {
            if (spinner_cpu < 0) spinner_cpu = c; else producer_cpu = c;
        }
    }
    if (pin_to(spinner_cpu) != 0) { perror("sched_setaffinity"); exit(1); }
    snprintf(pinned, size, "%d,%d", spinner_cpu, producer_cpu);
}

enum strategy { LIBBPF_POLL, LIBBPF_BUSY, AFTER, PAUSE, BACKOFF, TOGETHER };

// The "floor" spinners: the consumer protocol of kernel/bpf/ringbuf.c by hand, one record at a time.
static void spin_by_hand(int map_fd, int n, enum strategy strategy, int backoff)
{
    long page = sysconf(_SC_PAGESIZE);
    struct bpf_map_info info = {};
    uint32_t info_len = sizeof(info);
    if (bpf_obj_get_info_by_fd(map_fd, &info, &info_len) != 0) { perror("bpf_obj_get_info_by_fd"); exit(1); }
    size_t size = info.max_entries;
    uint64_t *cons_pos = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
    char *ro = mmap(NULL, page + 2 * size, PROT_READ, MAP_SHARED, map_fd, page);
    if (cons_pos == MAP_FAILED || ro == MAP_FAILED) { perror("mmap"); exit(1); }
    const uint64_t *prod_pos = (const uint64_t *)ro;
    const char *data = ro + page;
    uint64_t cons = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
    while (taken < n) {
        uint64_t prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);
        const uint32_t *hdr = (const uint32_t *)(data + (cons & (size - 1)));
        if (strategy == TOGETHER) {
            uint32_t early = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
            __asm__ volatile("" : : "r"(early));   // loaded in every look, used or not
        }
        if (prod == cons) { spin_pause(); continue; }
        for (int i = 0; strategy == BACKOFF && i < backoff; i++)
            spin_pause();
        uint32_t h;
        while ((h = __atomic_load_n(hdr, __ATOMIC_ACQUIRE)) & BPF_RINGBUF_BUSY_BIT)
            if (strategy != AFTER && strategy != TOGETHER)
                spin_pause();
        uint32_t len = h & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
        if (!(h & BPF_RINGBUF_DISCARD_BIT))
            stamp_record(NULL, (void *)(hdr + 2), len);
        cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
        __atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    munmap(cons_pos, page);
    munmap(ro, page + 2 * size);
}

static const char *strategy_name(enum strategy s)
{
    static const char *names[] = { "epoll", "busy-poll", "floor-after", "floor-pause", "floor-backoff", "floor-together" };
    return names[s];
}

static int latency(int map_fd, int n, enum strategy strategy, int backoff)
{
    // libbpf's consumer only for its own modes: the floor spinners map the ring themselves.
    struct ring_buffer *rb = strategy < AFTER ? ring_buffer__new(map_fd, stamp_record, NULL, NULL) : NULL;
    pthread_t producer;

    if (strategy < AFTER && !rb) { perror("ring_buffer__new"); return 1; }
    samples = calloc(n + 1, sizeof(*samples));
    char pinned[32] = "no";
    if (strategy != LIBBPF_POLL)
        pin_both(pinned, sizeof(pinned));
    pthread_create(&producer, NULL, tick, &n);
    if (strategy >= AFTER)
        spin_by_hand(map_fd, n, strategy, backoff);
    else
        while (taken < n) {
            if (strategy == LIBBPF_BUSY) {
                ring_buffer__consume(rb);
                spin_pause();
            }
            else
                ring_buffer__poll(rb, 1000);
        }
    pthread_join(producer, NULL);
    qsort(samples, n, sizeof(*samples), by_value);
    printf("latency mode=%s samples=%d p50_us=%.2f p90_us=%.2f p99_us=%.2f max_us=%.2f pinned=%s",
           strategy_name(strategy), n, samples[n / 2] / 1e3, samples[n * 9 / 10] / 1e3,
           samples[n * 99 / 100] / 1e3, samples[n - 1] / 1e3, pinned);
    if (strategy == BACKOFF)
        printf(" backoff=%d", backoff);
    printf("\n");
    ring_buffer__free(rb);   // NULL is fine
    return 0;
}

static int floor_strategy(const char *name, enum strategy *s, int *backoff)
{
    if (strcmp(name, "after") == 0) *s = AFTER;
    else if (strcmp(name, "pause") == 0) *s = PAUSE;
    else if (strcmp(name, "together") == 0) *s = TOGETHER;
    else if (strncmp(name, "backoff:", 8) == 0) { *s = BACKOFF; *backoff = atoi(name + 8); }
    else return -1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = getenv("PRODUCER_OBJ") ? getenv("PRODUCER_OBJ") : "producer.bpf.o";
    struct bpf_object *obj;

    libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
    obj = bpf_object__open_file(path, NULL);
    if (!obj || bpf_object__load(obj)) { fprintf(stderr, "cannot load %s\n", path); return 1; }
    producer_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "produce"));
    int map_fd = bpf_object__find_map_fd_by_name(obj, "rb");

    if (argc == 5 && strcmp(argv[1], "drain") == 0)
        return drain(map_fd, strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), atoi(argv[4]));
    if (argc >= 3 && argc <= 5 && strcmp(argv[1], "latency") == 0) {
        enum strategy strategy = argc == 4 ? LIBBPF_BUSY : LIBBPF_POLL;
        int backoff = 0;
        int known = argc == 3
            || (argc == 4 && strcmp(argv[3], "busy") == 0)
            || (argc == 5 && strcmp(argv[3], "floor") == 0 && floor_strategy(argv[4], &strategy, &backoff) == 0);
        if (known)
            return latency(map_fd, atoi(argv[2]), strategy, backoff);
    }
    fprintf(stderr, "usage: %s drain SIZE RECORDS ROUNDS | latency SAMPLES [busy | floor after|pause|backoff:K|together]\n", argv[0]);
    return 2;
}
