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

static int latency(int map_fd, int n, int busy)
{
    struct ring_buffer *rb = ring_buffer__new(map_fd, stamp_record, NULL, NULL);
    pthread_t producer;

    if (!rb) { perror("ring_buffer__new"); return 1; }
    samples = calloc(n + 1, sizeof(*samples));
    char pinned[32] = "no";
    cpu_set_t allowed;
    if (busy && sched_getaffinity(0, sizeof(allowed), &allowed) == 0 && CPU_COUNT(&allowed) >= 2) {
        int spinner_cpu = -1;
        for (int c = 0; c < CPU_SETSIZE && producer_cpu < 0; c++) {
            if (CPU_ISSET(c, &allowed)) {
                if (spinner_cpu < 0) spinner_cpu = c; else producer_cpu = c;
            }
        }
        if (pin_to(spinner_cpu) != 0) { perror("sched_setaffinity"); return 1; }
        snprintf(pinned, sizeof(pinned), "%d,%d", spinner_cpu, producer_cpu);
    }
    pthread_create(&producer, NULL, tick, &n);
    while (taken < n) {
        if (busy) {
            ring_buffer__consume(rb);
#if defined(__x86_64__)
            __builtin_ia32_pause();   // as Thread.onSpinWait() in bpf4j's busy poll
#endif
        }
        else
            ring_buffer__poll(rb, 1000);
    }
    pthread_join(producer, NULL);
    qsort(samples, n, sizeof(*samples), by_value);
    printf("latency mode=%s samples=%d p50_us=%.2f p90_us=%.2f p99_us=%.2f max_us=%.2f pinned=%s\n",
           busy ? "busy-poll" : "epoll", n, samples[n / 2] / 1e3, samples[n * 9 / 10] / 1e3,
           samples[n * 99 / 100] / 1e3, samples[n - 1] / 1e3, pinned);
    ring_buffer__free(rb);
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
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "latency") == 0)
        return latency(map_fd, atoi(argv[2]), argc == 4 && strcmp(argv[3], "busy") == 0);
    fprintf(stderr, "usage: %s drain SIZE RECORDS ROUNDS | latency SAMPLES [busy]\n", argv[0]);
    return 2;
}
