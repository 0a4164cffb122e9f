package io.bpf4j.ringbuf.testing;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R9;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.ProgramSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A deterministic ring-buffer producer: a {@code BPF_PROG_TYPE_SYSCALL} program that one
 * {@code BPF_PROG_TEST_RUN} drives to emit {@code count} records in a loop. It is the program of
 * {@code shared/anchors/ringbuf/producer.bpf.c} (the libbpf reference the benchmarks compare
 * against), built with bpf-core, plus two modes for tests; the loop is open-coded with
 * {@code may_goto} instead of {@code bpf_loop} (see {@link #program}).
 *
 * <p>Context, in and out (the kernel copies it back after the run):
 * <pre>
 *  offset  field     meaning
 *   0      count     records to emit (at most 1 &lt;&lt; 23 per run: the may_goto budget, as bpf_loop's)
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

    /** Largest {@code count} per run ({@code BPF_MAX_LOOPS}, the may_goto budget). */
    public static final int MAX_COUNT = 1 << 23;

    private final BpfProgram program;
    private final ThreadLocal<ByteBuffer> contexts = ThreadLocal.withInitial(RingBufProducer::newContext);

    private RingBufProducer(BpfProgram program) {
        this.program = program;
    }

    /** Loads the producer for {@code ring} (the kernel checks it with the verifier). */
    public static RingBufProducer load(BpfMap ring) {
        return new RingBufProducer(BpfProgram.load(ProgramSpec.syscall("rb_produce", program(ring)).license("GPL")));
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

    /** The producer program writing into {@code ring}. */
    public static Program program(MapReference ring) {
        // The anchor loops with bpf_loop(count, emit, ...). Its callback is a BPF_PSEUDO_FUNC
        // reference, which the verifier accepts only with BTF func_info for each subprogram
        // ("missing btf func_info"), and bpf-syscall loads no BTF yet. So the same loop is open-coded
        // and bounded by may_goto (Linux 6.9), as bpf_for()/can_loop do: same count limit (8M
        // iterations per run), same records, one run of the program per test-run.
        ProgramBuilder b = Program.builder();
        // r6 = ctx, r7 = i, r8 = seq + i, r9 = the record.
        b.mov64(R6, R1)
                .mov64(R7, 0);
        b.label("loop")
                .ldxdw(R2, R6, COUNT)
                .jge(R7, R2, "done")
                .mayGoto("done")
                .ldxdw(R8, R6, SEQ)
                .add64(R8, R7)
                .ldxdw(R2, R6, MODE)
                .jeq(R2, EMPTY, "empty")
                .jeq(R2, MIXED, "mixed")
                .ldxdw(R2, R6, SIZE)
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
                .ldxdw(R2, R6, DISCARD)
                .jeq(R2, 0, "submit")
                .mov64(R3, R8).mod64(R3, R2)
                .jne(R3, 0, "submit")
                .mov64(R1, R9)
                .ldxdw(R2, R6, FLAGS)
                .call(Helper.RINGBUF_DISCARD)
                .ja("next");
        b.label("submit")
                .mov64(R1, R9)
                .ldxdw(R2, R6, FLAGS)
                .call(Helper.RINGBUF_SUBMIT)
                .ja("next");
        b.label("empty")
                .ldMap(R1, ring).mov64(R2, 0).mov64(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "drop")
                .mov64(R1, R0)
                .ldxdw(R2, R6, FLAGS)
                .call(Helper.RINGBUF_SUBMIT)
                .ja("next");
        b.label("drop")
                .ldxdw(R2, R6, DROPPED)
                .add64(R2, 1)
                .stxdw(R6, DROPPED, R2);
        b.label("next")
                .add64(R7, 1)
                .ja("loop");
        b.label("done")
                .mov64(R0, 0)
                .exit();
        return b.build();
    }

    private static void reserve(ProgramBuilder b, MapReference ring, String label, int size) {
        b.label(label)
                .ldMap(R1, ring).mov64(R2, size).mov64(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .ja("have");
    }
}
