package io.bpf4j.bench.kernel;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R3;
import static io.bpf4j.core.Reg.R4;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R10;

import io.bpf4j.core.Helper;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The deterministic ring-buffer producer of the benchmarks, built with bpf-core: the same program
 * as {@code bpf-bench/src/reference/producer.bpf.c} (which the libbpf reference loads). One
 * {@code BPF_PROG_TEST_RUN} of this {@code BPF_PROG_TYPE_SYSCALL} program emits {@code count}
 * records of 16, 64 or 256 bytes through {@code bpf_loop}: u64 sequence number
 * ({@code seq + i}) at offset 0, u64 {@code bpf_ktime_get_ns()} at offset 8. Its context:
 * <pre>
 *   struct produce_ctx { u64 count, size, seq, flags, dropped; }   // dropped comes back
 * </pre>
 *
 * <pre>{@code
 * try (BpfMap ring = BpfMap.create(MapSpec.ringBuf("rb", Producer.RING_BYTES));
 *      Producer p = Producer.load(ring)) {
 *     p.emit(1000, 64, 0, Producer.NO_WAKEUP);   // returns the number of dropped records
 * }
 * }</pre>
 */
public final class Producer implements AutoCloseable {
    /** The ring's size: 16 MiB, as in the anchors. */
    public static final int RING_BYTES = 16 << 20;
    /** {@code BPF_RB_NO_WAKEUP}: submit without waking a poller (the drain benchmark). */
    public static final long NO_WAKEUP = 1;

    private static final int CTX_BYTES = 40;
    private final BpfProgram program;
    private final ByteBuffer ctx = ByteBuffer.allocateDirect(CTX_BYTES).order(ByteOrder.nativeOrder());

    private Producer(BpfProgram program) {
        this.program = program;
    }

    /** A new 16 MiB ring buffer for the producer to write into. */
    public static BpfMap createRing(String name) {
        return BpfMap.create(MapSpec.ringBuf(name, RING_BYTES));
    }

    /**
     * Loads the producer for {@code ring}. Its {@code bpf_loop} callback is a second function:
     * bpf-syscall derives the BTF {@code func_info} the kernel demands for it.
     */
    public static Producer load(BpfMap ring) {
        return new Producer(BpfProgram.load(ProgramSpec.syscall("bench_produce", program(ring)).license("GPL").maps(ring)));
    }

    /** The producer program writing into {@code ring}. */
    public static Program program(MapReference ring) {
        return Program.builder()
                // produce(ctx): copy the context to the stack (bpf_loop hands the callback a stack pointer)
                .mov64(R6, R1)
                .ldxdw(R2, R6, 0).stxdw(R10, -40, R2)       // count
                .ldxdw(R2, R6, 8).stxdw(R10, -32, R2)       // size
                .ldxdw(R2, R6, 16).stxdw(R10, -24, R2)      // seq
                .ldxdw(R2, R6, 24).stxdw(R10, -16, R2)      // flags
                .stdw(R10, -8, 0)                           // dropped
                .ldxdw(R1, R10, -40)
                .ldFunc(R2, "emit")
                .mov64(R3, R10).add64(R3, -40)
                .mov64(R4, 0)
                .call(Helper.LOOP)
                .ldxdw(R1, R10, -8).stxdw(R6, 32, R1)       // ctx->dropped, copied back by the kernel
                .mov64(R0, 0)
                .exit()
                // emit(index r1, ctx r2): reserve a record of the size class, fill, submit
                .label("emit")
                .mov64(R6, R1)
                .mov64(R7, R2)
                .ldxdw(R1, R7, 8)
                .jgt(R1, 64, "big")
                .jgt(R1, 16, "mid")
                .ringbufReserve(ring, 16).ja("reserved")
                .label("mid")
                .ringbufReserve(ring, 64).ja("reserved")
                .label("big")
                .ringbufReserve(ring, 256)
                .label("reserved")
                .jne(R0, 0, "fill")
                .ldxdw(R1, R7, 32).add64(R1, 1).stxdw(R7, 32, R1)   // dropped++
                .mov64(R0, 0)
                .exit()
                .label("fill")
                .mov64(R8, R0)
                .ldxdw(R1, R7, 16).add64(R1, R6).stxdw(R8, 0, R1)   // seq + index
                .call(Helper.KTIME_GET_NS).stxdw(R8, 8, R0)          // timestamp
                .mov64(R1, R8).ldxdw(R2, R7, 24)
                .call(Helper.RINGBUF_SUBMIT)
                .mov64(R0, 0)
                .exit()
                .build();
    }

    /**
     * One test run: {@code count} records of {@code size} bytes (16, 64 or 256), sequence numbers
     * from {@code seq}, submitted with {@code flags}. Allocation-free.
     *
     * @return records dropped because the ring was full
     */
    public long emit(long count, long size, long seq, long flags) {
        ctx.putLong(0, count).putLong(8, size).putLong(16, seq).putLong(24, flags).putLong(32, 0);
        program.run(ctx);
        return ctx.getLong(32);
    }

    @Override
    public void close() {
        program.close();
    }
}
