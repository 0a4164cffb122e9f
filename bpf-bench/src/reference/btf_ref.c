// libbpf reference for bpf4j's BTF benchmark: load the running kernel's BTF
// (/sys/kernel/btf/vmlinux) with btf__load_vmlinux_btf() and resolve the byte offsets of
// task_struct.real_parent and task_struct.tgid. Prints the best and the warm mean (rounds after
// the first) of parse + lookup, and the peak RSS, as key=value pairs for compare.sh.
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long byte_offset(const struct btf *btf, int struct_id, const char *field)
{
    const struct btf_type *t = btf__type_by_id(btf, struct_id);
    const struct btf_member *m = btf_members(t);

    for (int i = 0; i < btf_vlen(t); i++, m++) {
        if (strcmp(btf__name_by_offset(btf, m->name_off), field) == 0)
            return btf_member_bit_offset(t, i) / 8;
    }
    return -1;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 10;
    double best = 1e9, warm = 0;
    long real_parent = -1, tgid = -1;
    int types = 0;

    for (int r = 0; r < rounds; r++) {
        double t0 = seconds();
        struct btf *btf = btf__load_vmlinux_btf();
        if (!btf) { perror("btf__load_vmlinux_btf"); return 1; }
        int id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
        real_parent = byte_offset(btf, id, "real_parent");
        tgid = byte_offset(btf, id, "tgid");
        types = btf__type_cnt(btf);
        double dt = seconds() - t0;
        if (dt < best) best = dt;
        if (r > 0) warm += dt;
        btf__free(btf);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("btf types=%d real_parent=%ld tgid=%ld rounds=%d best_ms=%.3f warm_mean_ms=%.3f max_rss_mib=%ld\n", types,
           real_parent, tgid, rounds, best * 1e3, rounds > 1 ? warm * 1e3 / (rounds - 1) : best * 1e3,
           ru.ru_maxrss / 1024);
    return 0;
}
