package io.bpf4j.examples.profile;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;

/**
 * The BPF side of {@code profile}: a {@code PERF_EVENT} program run on every cpu-clock sample.
 * It skips the idle task and other processes/threads when filtered, takes the user and kernel
 * stack ids with {@code bpf_get_stackid} into a {@code STACK_TRACE} map, and counts the sample
 * in a hash map under the key below. Failed stack walks are counted in the stats array (stack
 * map collisions {@code -EEXIST}, {@code -ENOMEM}), as is a full counts map.
 *
 * <pre>
 * key (32 bytes)                                  stats (u64 each)
 *  0 u32 pid (tgid)                                0 samples taken
 *  4 s32 user stack id   (-1 with -K)              1 user stacks lost (-EEXIST)
 *  8 s32 kernel stack id (-1 with -U)              2 kernel stacks lost (-EEXIST)
 * 12 u32 zero                                      3 stacks lost (-ENOMEM)
 * 16 char comm[16] (the thread's)                  4 samples dropped: counts map full
 * value: u64 samples
 * </pre>
 *
 * <pre>{@code
 * Program p = new ProfilePrograms(Filter.pid(4242), true, true).sampler();
 * }</pre>
 */
public final class ProfilePrograms {
    /** The stack traces. */
    public static final MapReference STACKS = MapReference.named("prof_stacks");
    /** Key to samples. */
    public static final MapReference COUNTS = MapReference.named("prof_counts");
    /** One value of {@link #STATS_SLOTS} u64 counters. */
    public static final MapReference STATS = MapReference.named("prof_stats");

    /** Key size in bytes. */
    public static final int KEY_SIZE = 32;
    /** Number of u64 counters in the stats value. */
    public static final int STATS_SLOTS = 5;
    /** Stats slot: samples taken (after the filters). */
    public static final int SAMPLES = 0;
    /** Stats slot: user stacks lost to stack-map collisions. */
    public static final int USER_EEXIST = 1;
    /** Stats slot: kernel stacks lost to stack-map collisions. */
    public static final int KERNEL_EEXIST = 2;
    /** Stats slot: stacks lost to -ENOMEM. */
    public static final int ENOMEM = 3;
    /** Stats slot: samples not counted because the counts map was full. */
    public static final int COUNTS_FULL = 4;

    /** {@code BPF_F_USER_STACK}. */
    static final int BPF_F_USER_STACK = 1 << 8;
    /** {@code BPF_NOEXIST}. */
    static final int BPF_NOEXIST = 1;
    private static final int EEXIST = 17;
    private static final int ENOMEM_ERRNO = 12;
    /** Stack offsets of the key and a value slot. */
    private static final int KEY = -32;
    private static final int ONE = -40;

    /**
     * Which samples count.
     *
     * @param pid only this process (tgid), or 0 for all
     * @param tid only this thread, or 0 for all
     */
    public record Filter(int pid, int tid) {
        /** Every process. */
        public static Filter all() {
            return new Filter(0, 0);
        }
    }

    private final Filter filter;
    private final boolean user;
    private final boolean kernel;

    /**
     * @param filter which process or thread
     * @param user collect user stacks
     * @param kernel collect kernel stacks
     */
    public ProfilePrograms(Filter filter, boolean user, boolean kernel) {
        if (!user && !kernel) {
            throw new IllegalArgumentException("neither user nor kernel stacks: nothing to sample");
        }
        this.filter = filter;
        this.user = user;
        this.kernel = kernel;
    }

    /** The sampling program. */
    public Program sampler() {
        ProgramBuilder b = Program.builder();
        b.mov(R6, R1)                                       // r6 = ctx (bpf_perf_event_data)
                .call(Helper.GET_CURRENT_PID_TGID)
                .mov(R7, R0).rsh64(R7, 32)                  // r7 = tgid
                .mov(R8, R0).lsh64(R8, 32).rsh64(R8, 32)     // r8 = tid (low 32 bits)
                .jne(R8, 0, "not_idle")
                .mov(R0, 0).exit()                          // the idle task: not a process
                .label("not_idle");
        if (filter.pid() != 0) {
            b.jeq(R7, filter.pid(), "pid_ok").mov(R0, 0).exit().label("pid_ok");
        }
        if (filter.tid() != 0) {
            b.jeq(R8, filter.tid(), "tid_ok").mov(R0, 0).exit().label("tid_ok");
        }
        count(b, SAMPLES);
        b.stdw(R10, KEY, 0).stdw(R10, KEY + 8, 0).stdw(R10, KEY + 16, 0).stdw(R10, KEY + 24, 0)
                .stxw(R10, KEY, R7);
        stackId(b, user, BPF_F_USER_STACK, KEY + 4, USER_EEXIST, "user");
        stackId(b, kernel, 0, KEY + 8, KERNEL_EEXIST, "kernel");
        b.getCurrentComm(R10, KEY + 16, 16)
                .mov(R2, R10).add64(R2, KEY)
                .mapLookup(COUNTS, R2)
                .jeq(R0, 0, "new_key")
                .mov(R1, 1).atomicAdd64(R0, 0, R1)
                .mov(R0, 0).exit()
                .label("new_key")
                .stdw(R10, ONE, 1)
                .mov(R2, R10).add64(R2, KEY)
                .mov(R3, R10).add64(R3, ONE)
                .mapUpdate(COUNTS, R2, R3, BPF_NOEXIST)
                .jeq(R0, 0, "done")
                .jne(R0, -EEXIST, "full")
                // Another CPU added the key between our lookup and update: add to its count.
                .mov(R2, R10).add64(R2, KEY)
                .mapLookup(COUNTS, R2)
                .jeq(R0, 0, "full")
                .mov(R1, 1).atomicAdd64(R0, 0, R1)
                .mov(R0, 0).exit()
                .label("full");
        count(b, COUNTS_FULL);
        return b.label("done").mov(R0, 0).exit().build();
    }

    /** {@code key[at] = bpf_get_stackid(ctx, stacks, flags)}, counting collisions and -ENOMEM; -1 when not collected. */
    private static void stackId(ProgramBuilder b, boolean collect, int flags, int at, int eexistSlot, String what) {
        if (!collect) {
            b.stw(R10, at, -1);
            return;
        }
        b.mov(R1, R6).ldMap(R2, STACKS).mov(R3, flags).call(Helper.GET_STACKID)
                .stxw(R10, at, R0)
                .jsge(R0, 0, what + "_ok")
                .jne(R0, -EEXIST, what + "_not_eexist");
        count(b, eexistSlot);
        b.ja(what + "_ok").label(what + "_not_eexist").jne(R0, -ENOMEM_ERRNO, what + "_ok");
        count(b, ENOMEM);
        // -EFAULT (no user stack: a kernel thread, or an interrupted kernel path) is normal, not a loss.
        b.label(what + "_ok");
    }

    /** {@code stats[slot] += 1} (atomically: every CPU runs the program). */
    private static void count(ProgramBuilder b, int slot) {
        b.ldMapValue(R1, STATS, slot * 8).mov(R2, 1).atomicAdd64(R1, 0, R2);
    }
}
