// C reference for bpf4j's "assemble 1M insns" benchmark. libbpf has no assembler, so this is
// the work a C assembler does for the same program: the program of io.bpf4j.bench.asm.Programs
// .large(1000000) (a label every 10 instructions, each block jumping forward to the next label
// and backward to the previous one) is held symbolically — opcode, registers, offset, immediate,
// and for jumps a pointer to the target symbol, as LLVM MC holds MCSymbol pointers — and each
// round lays out the label slots, then encodes every instruction into a freshly allocated
// struct bpf_insn array, resolving jump offsets and checking that they fit in 16 bits.
// usage: asm-ref [ROUNDS]; prints key=value pairs for compare.sh.
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define INSNS 1000000
#define BLOCK 10

struct symbol { int32_t slot; };
struct sym_insn {
    uint8_t code, dst, src;
    int16_t off;
    int32_t imm;
    struct symbol *target;   // jump target, or NULL
    struct symbol *defines;  // label placed on this instruction, or NULL
};

static struct sym_insn prog[INSNS];
static struct symbol labels[INSNS / BLOCK];

static double seconds_of(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double seconds(void) { return seconds_of(CLOCK_MONOTONIC); }

// The thread's CPU time: on a loaded machine it leaves out the time spent waiting for a CPU.
static double cpu_seconds(void) { return seconds_of(CLOCK_THREAD_CPUTIME_ID); }

static void put(int *n, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm, struct symbol *target)
{
    prog[*n] = (struct sym_insn){ code, dst, src, off, imm, target, NULL };
    (*n)++;
}

static void build(void)
{
    int blocks = INSNS / BLOCK, n = 0;
    for (int k = 0; k < blocks; k++) {
        int last = k == blocks - 1;
        prog[n].defines = NULL;
        int head = n;
        put(&n, BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, last ? 1 : k, NULL);
        prog[head].defines = &labels[k];
        put(&n, BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 0, 0, NULL);
        put(&n, BPF_LDX | BPF_MEM | BPF_DW, 3, 10, -8, 0, NULL);
        put(&n, BPF_STX | BPF_MEM | BPF_DW, 10, 3, -16, 0, NULL);
        put(&n, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0, 0, &labels[last ? k : k + 1]);
        put(&n, BPF_JMP | BPF_JGT | BPF_X, 1, 3, 0, 0, &labels[k == 0 ? 1 : k - 1]);
        put(&n, BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 3, NULL);
        put(&n, BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, 0xff, NULL);
        if (last) {
            put(&n, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0, NULL);
            put(&n, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, NULL);
        } else {
            put(&n, BPF_JMP | BPF_JA, 0, 0, 0, 0, &labels[k + 1]);
            put(&n, BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 0, 0, NULL);
        }
    }
}

static struct bpf_insn *assemble(void)
{
    for (int i = 0; i < INSNS; i++)           // every instruction here takes one slot
        if (prog[i].defines)
            prog[i].defines->slot = i;
    struct bpf_insn *out = malloc(sizeof(struct bpf_insn) * INSNS);
    for (int i = 0; i < INSNS; i++) {
        const struct sym_insn *s = &prog[i];
        int32_t off = s->off;
        if (s->target) {
            off = s->target->slot - (i + 1);
            if (off < INT16_MIN || off > INT16_MAX) { fprintf(stderr, "jump out of range at %d\n", i); exit(1); }
        }
        out[i] = (struct bpf_insn){ .code = s->code, .dst_reg = s->dst, .src_reg = s->src, .off = (int16_t)off, .imm = s->imm };
    }
    return out;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 50;
    double best = 1e9, best_cpu = 1e9, total = 0;
    uint64_t check = 0;

    build();
    for (int r = 0; r < rounds; r++) {
        double c0 = cpu_seconds();
        double t0 = seconds();
        struct bpf_insn *out = assemble();
        double dt = seconds() - t0;
        double cpu = cpu_seconds() - c0;
        if (cpu < best_cpu) best_cpu = cpu;
        check += out[r % INSNS].off + out[INSNS - 1].code;   // keep the work observable
        free(out);
        if (dt < best) best = dt;
        total += dt;
    }
    printf("assemble insns=%d rounds=%d mean_ips=%.0f best_ips=%.0f best_cpu_ips=%.0f check=%llu\n", INSNS, rounds,
           INSNS * rounds / total, INSNS / best, INSNS / best_cpu, (unsigned long long)check);
    return 0;
}
