package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.compiler.Reserved.Sample;
import io.bpf4j.ringbuf.RingBufferReader;
import io.bpf4j.structs.RecordCodec;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.syscall.TestRun;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records reserved, filled in place and submitted (or discarded) by compiled syscall programs,
 * run through BPF_PROG_TEST_RUN: the verifier accepts them, and the records and return values are
 * those of the same methods on the JVM. Seeds are printed; rerun one with {@code -Dbpf4j.seed=N}.
 */
@KernelTest
class ReservationKernelTest {
    private static final int ROUNDS = 10_000;
    private static final RecordCodec<Sample> CODEC = StructLayout.codec(Sample.class);

    @BeforeEach
    void emptyJvmRing() {
        Reserved.SAMPLES.drain();
    }

    private static byte[] ctx(long seq, int value, byte[] tag) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        b.putLong(0, seq).putInt(8, value).put(16, tag);
        return b.array();
    }

    /** The records the kernel submitted since the last call, as raw bytes. */
    private static List<byte[]> kernelRecords(RingBufferReader reader) {
        List<byte[]> out = new ArrayList<>();
        reader.consume(rec -> {
            byte[] b = new byte[rec.remaining()];
            rec.get(b);
            out.add(b);
        });
        return out;
    }

    private static void assertSame(Sample jvm, byte[] kernel, String what) {
        Sample k = CODEC.decode(ByteBuffer.wrap(kernel).order(ByteOrder.nativeOrder()), 0);
        assertEquals(jvm.seq(), k.seq(), what);
        assertEquals(jvm.value(), k.value(), what);
        assertEquals(jvm.kind(), k.kind(), what);
        assertEquals(jvm.sum(), k.sum(), what);
        assertArrayEquals(jvm.tag(), k.tag(), what);
        assertArrayEquals(new byte[3], java.util.Arrays.copyOfRange(kernel, 13, 16), what + ": padding not zeroed");
    }

    @Test
    void inPlaceRecordsAreThoseOfTheJvmOverRandomInputs() {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("reserve/submit samples: seed " + seed + " (rerun with -Dbpf4j.seed=" + seed + ")");
        Random rnd = new Random(seed);
        CompiledProgram p = BpfCompiler.create().compile(Reserved.class, "sample");
        int submitted = 0;
        try (Kernels k = new Kernels(p); RingBufferReader reader = RingBufferReader.open(k.map("samples"))) {
            for (int i = 0; i < ROUNDS; i++) {
                byte[] tag = new byte[8];
                rnd.nextBytes(tag);
                byte[] ctx = ctx(rnd.nextLong(), rnd.nextInt(), tag);
                int kernel = k.program.testRun(TestRun.ctx(ctx)).retval();
                int jvm = Reserved.sample(SyscallContext.of(ctx));
                assertEquals(jvm, kernel, "round " + i);
                List<Sample> expected = Reserved.SAMPLES.drain();
                List<byte[]> got = kernelRecords(reader);
                assertEquals(expected.size(), got.size(), "round " + i);
                for (int r = 0; r < got.size(); r++) {
                    assertSame(expected.get(r), got.get(r), "round " + i);
                }
                submitted += got.size();
            }
        }
        // One value in four is discarded: both paths ran thousands of times.
        assertTrue(submitted > ROUNDS / 2 && submitted < ROUNDS * 7 / 8, submitted + " submitted");
    }

    @Test
    void theRingFillsUpAtTheSameRecordInTheKernelAndOnTheJvm() {
        CompiledProgram p = BpfCompiler.create().compile(Reserved.class, "sample");
        List<Integer> kernel = new ArrayList<>();
        List<Integer> jvm = new ArrayList<>();
        try (Kernels k = new Kernels(p)) {
            for (int i = 0; i < 200; i++) {
                byte[] ctx = ctx(i, 1 + 4 * i, new byte[8]);   // never a multiple of four: all submitted
                kernel.add(k.program.testRun(TestRun.ctx(ctx)).retval());
                jvm.add(Reserved.sample(SyscallContext.of(ctx)));
            }
        }
        assertEquals(jvm, kernel);
        // A record takes its 8-byte header and 32 bytes: 4096 / 40 of them fit.
        assertEquals(102, kernel.indexOf(-1), kernel.toString());
    }

    @Test
    void anIndexOutOfBoundsEndsTheProgramAndDiscardsTheOpenRecord() {
        CompiledProgram p = BpfCompiler.create().compile(Reserved.class, "indexWhileReserved");
        try (Kernels k = new Kernels(p); RingBufferReader reader = RingBufferReader.open(k.map("samples"))) {
            for (int i = 0; i < 300; i++) {
                assertEquals(0, k.program.testRun(TestRun.ctx(ctx(9, 0, new byte[8]))).retval());
                assertEquals(List.of(), kernelRecords(reader));   // discarded: the reader skips it
            }
            assertEquals(1, k.program.testRun(TestRun.ctx(ByteBuffer.allocate(24).order(ByteOrder.nativeOrder())
                    .putInt(0, 2).array())).retval());
            List<byte[]> got = kernelRecords(reader);
            assertEquals(1, got.size());
            assertEquals(22, CODEC.decode(ByteBuffer.wrap(got.get(0)).order(ByteOrder.nativeOrder()), 0).seq());
        }
    }

    @Test
    void aRecordClosedInAnInlinedMethodOnEveryPathLoads() {
        CompiledProgram p = BpfCompiler.create().compile(Reserved.class, "viaHelper");
        try (Kernels k = new Kernels(p); RingBufferReader reader = RingBufferReader.open(k.map("samples"))) {
            for (int v : new int[] {0, 5, 0, 7}) {
                byte[] ctx = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(0, v).array();
                assertEquals(Reserved.viaHelper(SyscallContext.of(ctx)), k.program.testRun(TestRun.ctx(ctx)).retval());
            }
            List<Sample> expected = Reserved.SAMPLES.drain();
            List<byte[]> got = kernelRecords(reader);
            assertEquals(2, expected.size());
            assertEquals(expected.size(), got.size());
            for (int r = 0; r < got.size(); r++) {
                assertSame(expected.get(r), got.get(r), "record " + r);
            }
        }
    }
}
