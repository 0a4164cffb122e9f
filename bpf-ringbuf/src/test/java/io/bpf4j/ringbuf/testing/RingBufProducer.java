package io.bpf4j.ringbuf.testing;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R10;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R4;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R9;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;
import io.bpf4j.syscall.VerifierException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A deterministic ring-buffer producer: a {@code BPF_PROG_TYPE_SYSCALL} program that one
 * {@code BPF_PROG_TEST_RUN} drives to emit {@code count} records in a loop. It is the program of
 * {@code shared/anchors/ringbuf/producer.bpf.c} (the libbpf reference the benchmarks compare
 * against), built with bpf-core, plus two modes for tests. It loops with {@code bpf_loop} as the
 * anchor does, or with {@code may_goto} where the loader cannot yet give {@code bpf_loop}'s callback
 * the BTF it needs ({@link Loop}).
 *
 * <p>Context, in and out (the kernel copies it back after the run):
 * <pre>
 *  offset  field     meaning
 *   0      count     records to emit (at most 1 &lt;&lt; 23 per run: BPF_MAX_LOOPS)
 *   8      size      ANCHOR mode: 16, 64 or 256 (&lt;= 16, &lt;= 64, else)
 *  16      seq       sequence number of the first record
 *  24      flags     bpf_ringbuf_submit/discard flags (BPF_RB_NO_WAKEUP = 1, BPF_RB_FORCE_WAKEUP = 2)
 *  32      dropped   out: failed reservations (ring full)
 *  40      mode      0 ANCHOR, 1 MIXED, 2 EMPTY (not read by the anchor's 40-byte context)
 *  48      discard   MIXED: discard record seq when seq % discard == 0 (0: never)
 * </pre>
 * Each record (except EMPTY's zero-length ones) holds u64 {@code seq + i} at 0 and u64
 * {@code bpf_ktime_get_ns()} (CLOCK_MONOTONIC, as {@link System#nanoTime()} on Linux) at 8.
 * MIXED sizes cycle with {@code seq % 4}: 16, 20, 64, 256 ({@link #mixedSize}).
 *
 * <pre>{@code
 * try (BpfMap ring = BpfMap.create(MapSpec.ringBuf("events", 1 << 24));
 *      RingBufProducer producer = RingBufProducer.load(ring)) {
 *     long dropped = producer.produce(100_000, 16, 0, RingBufProducer.NO_WAKEUP); // seq 0..99999
 * }
 * }</pre>
 *
 * The convenience methods are thread-safe (a context buffer per thread); {@link #run(ByteBuffer)}
 * with a buffer of your own is allocation-free, for benchmarks.
 */
public final class RingBufProducer implements AutoCloseable {
    /** Context size in bytes. */
    public static final int CONTEXT_SIZE = 56;
    /** Field offsets in the context. */
    public static final int COUNT = 0;
    public static final int SIZE = 8;
    public static final int SEQ = 16;
    public static final int FLAGS = 24;
    public static final int DROPPED = 32;
    public static final int MODE = 40;
    public static final int DISCARD = 48;

    /** Modes. */
    public static final int ANCHOR = 0;
    public static final int MIXED = 1;
    public static final int EMPTY = 2;

    /** {@code BPF_RB_NO_WAKEUP}. */
    public static final long NO_WAKEUP = 1;
    /** {@code BPF_RB_FORCE_WAKEUP}. */
    public static final long FORCE_WAKEUP = 2;

    private static final int STACK_CTX = -CONTEXT_SIZE; // bpf_loop: the context's copy on the stack

    /** Largest {@code count} per run ({@code BPF_MAX_LOOPS}: bpf_loop's limit and may_goto's budget). */
    public static final int MAX_COUNT = 1 << 23;

    private final BpfProgram program;
    private final Loop loop;
    private final ThreadLocal<ByteBuffer> contexts = ThreadLocal.withInitial(RingBufProducer::newContext);

    private RingBufProducer(BpfProgram program, Loop loop) {
        this.program = program;
        this.loop = loop;
    }

    /**
     * Loads the producer for {@code ring}: the anchor's {@code bpf_loop} form where this build of
     * bpf-syscall loads the BTF func_info it needs, else the {@code may_goto} form (same records).
     */
    public static RingBufProducer load(BpfMap ring) {
        try {
            return load(ring, Loop.BPF_LOOP);
        } catch (VerifierException e) {
            if (!String.valueOf(e.getMessage()).contains("missing btf func_info")) {
                throw e;
            }
            return load(ring, Loop.MAY_GOTO);
        }
    }

    /** Loads the producer for {@code ring} looping as {@code loop} says (the kernel's verifier checks it). */
    public static RingBufProducer load(BpfMap ring, Loop loop) {
        return new RingBufProducer(BpfProgram.load(ProgramSpec.syscall("rb_produce", program(ring, loop)).license("GPL")),
                loop);
    }

    /** How the loaded program loops. */
    public Loop loop() {
        return loop;
    }

    /** A zeroed context buffer (direct, native order) for {@link #run(ByteBuffer)}. */
    public static ByteBuffer newContext() {
        return ByteBuffer.allocateDirect(CONTEXT_SIZE).order(ByteOrder.nativeOrder());
    }

    /** Fills {@code ctx} for one run; returns it. */
    public static ByteBuffer context(ByteBuffer ctx, int mode, long count, long size, long seq, long flags, long discard) {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count " + count + ": expected 0.." + MAX_COUNT + " (BPF_MAX_LOOPS)");
        }
        ctx.putLong(COUNT, count).putLong(SIZE, size).putLong(SEQ, seq).putLong(FLAGS, flags).putLong(DROPPED, 0)
                .putLong(MODE, mode).putLong(DISCARD, discard);
        return ctx;
    }

    /** Runs once with {@code ctx} (see {@link #context}); returns the failed reservations. Allocation-free. */
    public long run(ByteBuffer ctx) {
        program.run(ctx);
        return ctx.getLong(DROPPED);
    }

    /**
     * The anchor's run: {@code count} records of {@link #anchorSize}({@code size}) bytes with
     * {@code seq, seq + 1, ...}; returns how many reservations failed (ring full).
     */
    public long produce(long count, long size, long seq, long flags) {
        return run(context(contexts.get(), ANCHOR, count, size, seq, flags, 0));
    }

    /** {@code count} records of {@link #mixedSize} bytes; those with {@code seq % discard == 0} discarded. */
    public long produceMixed(long count, long seq, long flags, long discard) {
        return run(context(contexts.get(), MIXED, count, 0, seq, flags, discard));
    }

    /** {@code count} zero-length records. */
    public long produceEmpty(long count, long flags) {
        return run(context(contexts.get(), EMPTY, count, 0, 0, flags, 0));
    }

    /** The loaded program. */
    public BpfProgram program() {
        return program;
    }

    @Override
    public void close() {
        program.close();
    }

    /** The record size MIXED mode uses for sequence number {@code seq}. */
    public static int mixedSize(long seq) {
        switch ((int) (seq & 3)) {
            case 0:
                return 16;
            case 1:
                return 20;
            case 2:
                return 64;
            default:
                return 256;
        }
    }

    /** The record size ANCHOR mode uses for a requested {@code size}. */
    public static int anchorSize(long size) {
        return size <= 16 ? 16 : size <= 64 ? 64 : 256;
    }

    /** How the program loops over its {@code count} records. */
    public enum Loop {
        /**
         * {@code bpf_loop(count, emit, &args, 0)} with {@code emit} a callback subprogram, exactly as
         * the anchor. Its {@code ld_imm64} of a function (BPF_PSEUDO_FUNC) needs BTF func_info at
         * load time ("missing btf func_info" otherwise).
         */
        BPF_LOOP,
        /** An open-coded loop bounded by {@code may_goto} (Linux 6.9), as {@code bpf_for}/{@code can_loop}. */
        MAY_GOTO
    }

    /** The producer program writing into {@code ring}, looping with {@code bpf_loop} as the anchor does. */
    public static Program program(MapReference ring) {
        return program(ring, Loop.BPF_LOOP);
    }

    /** The producer program writing into {@code ring}, looping as {@code loop} says. */
    public static Program program(MapReference ring, Loop loop) {
        return loop == Loop.BPF_LOOP ? bpfLoopProgram(ring) : mayGotoProgram(ring);
    }

    private static Program bpfLoopProgram(MapReference ring) {
        ProgramBuilder b = Program.builder();
        // main(ctx): bpf_loop's callback context must live on the stack, so copy the context there.
        b.mov64(R6, R1);
        for (int off = 0; off < CONTEXT_SIZE; off += 8) {
            b.ldxdw(R2, R6, off).stxdw(R10, STACK_CTX + off, R2);
        }
        b.ldxdw(R1, R6, COUNT)
                .ldFunc(R2, "emit")
                .mov64(R3, R10).add64(R3, STACK_CTX)
                .mov64(R4, 0)
                .call(Helper.LOOP)
                .ldxdw(R2, R10, STACK_CTX + DROPPED)
                .stxdw(R6, DROPPED, R2)
                .mov64(R0, 0)
                .exit();
        // emit(i, args): one record; r7 = args, r8 = seq + i.
        b.label("emit")
                .mov64(R7, R2)
                .ldxdw(R8, R7, SEQ)
                .add64(R8, R1);
        record(b, ring, R7, "next");
        b.label("next")
                .mov64(R0, 0) // 0: bpf_loop goes on
                .exit();
        return b.build();
    }

    private static Program mayGotoProgram(MapReference ring) {
        ProgramBuilder b = Program.builder();
        // r6 = ctx, r7 = i, r8 = seq + i.
        b.mov64(R6, R1)
                .mov64(R7, 0);
        b.label("loop")
                .ldxdw(R2, R6, COUNT)
                .jge(R7, R2, "done")
                .mayGoto("done")
                .ldxdw(R8, R6, SEQ)
                .add64(R8, R7);
        record(b, ring, R6, "next");
        b.label("next")
                .add64(R7, 1)
                .ja("loop");
        b.label("done")
                .mov64(R0, 0)
                .exit();
        return b.build();
    }

    /**
     * One record, the anchor's {@code emit} body: {@code args} holds the context, r8 the sequence
     * number; r9 holds the record; ends by jumping to {@code next}.
     */
    private static void record(ProgramBuilder b, MapReference ring, Reg args, String next) {
        b.ldxdw(R2, args, MODE)
                .jeq(R2, EMPTY, "empty")
                .jeq(R2, MIXED, "mixed")
                .ldxdw(R2, args, SIZE)
                .jgt(R2, 64, "s256")
                .jgt(R2, 16, "s64")
                .ja("s16");
        b.label("mixed")
                .mov64(R2, R8).and64(R2, 3)
                .jeq(R2, 1, "s20")
                .jeq(R2, 2, "s64")
                .jeq(R2, 3, "s256");
        // The verifier wants a constant size: one reserve per size class.
        reserve(b, ring, "s16", 16);
        reserve(b, ring, "s20", 20);
        reserve(b, ring, "s64", 64);
        reserve(b, ring, "s256", 256);
        b.label("have")
                .jeq(R0, 0, "drop")
                .mov64(R9, R0)
                .stxdw(R9, 0, R8)
                .call(Helper.KTIME_GET_NS)
                .stxdw(R9, 8, R0)
                .ldxdw(R2, args, DISCARD)
                .jeq(R2, 0, "submit")
                .mov64(R3, R8).mod64(R3, R2)
                .jne(R3, 0, "submit")
                .mov64(R1, R9)
                .ldxdw(R2, args, FLAGS)
                .call(Helper.RINGBUF_DISCARD)
                .ja(next);
        b.label("submit")
                .mov64(R1, R9)
                .ldxdw(R2, args, FLAGS)
                .call(Helper.RINGBUF_SUBMIT)
                .ja(next);
        b.label("empty")
                .ldMap(R1, ring).mov64(R2, 0).mov64(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "drop")
                .mov64(R1, R0)
                .ldxdw(R2, args, FLAGS)
                .call(Helper.RINGBUF_SUBMIT)
                .ja(next);
        b.label("drop")
                .ldxdw(R2, args, DROPPED)
                .add64(R2, 1)
                .stxdw(args, DROPPED, R2)
                .ja(next);
    }

    private static void reserve(ProgramBuilder b, MapReference ring, String label, int size) {
        b.label(label)
                .ldMap(R1, ring).mov64(R2, size).mov64(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .ja("have");
    }
}
