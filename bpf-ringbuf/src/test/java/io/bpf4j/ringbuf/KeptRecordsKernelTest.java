package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.bpf4j.ringbuf.testing.RingBufProducer;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.MapSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Record buffers kept past their handler, then read after the reader is closed: they must read
 * zeros (the pages are replaced, not unmapped) and never crash the JVM, whatever the thread and
 * however many readers come and go at the same addresses.
 */
@KernelTest
class KeptRecordsKernelTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 10_000;
    private static final int WINDOW = 256;

    /** A view kept from an earlier round (any thread), with the offset of its record. */
    private record Kept(ByteBuffer buffer, int offset) {
    }

    /**
     * 10,000 rounds over 4 threads, each: produce two records, keep one as a {@link RecordHandler}
     * buffer and one as the {@link RawRecordHandler}'s data area, check both still show the record
     * while the reader is open (nothing was produced since), close, check both read zeros. The
     * last 256 kept views of every thread are read again each round while other readers are
     * mapped, closed and (after a GC) unmapped, at addresses that get reused.
     */
    @Test
    void recordsKeptPastTheirHandlerReadZerosAfterCloseAndNeverCrash() throws Exception {
        AtomicReferenceArray<Kept> window = new AtomicReferenceArray<>(WINDOW);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> rounds(thread, window)));
            }
            long reads = 0;
            for (Future<Long> f : results) {
                reads += f.get(10, TimeUnit.MINUTES);
            }
            System.out.printf("kept records: %d keep-and-close rounds on %d threads, %d reads of closed views, all zero%n",
                    ROUNDS, THREADS, reads);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long rounds(int thread, AtomicReferenceArray<Kept> window) {
        long reads = 0;
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_kept_" + thread, 1 << 14));
             RingBufProducer producer = RingBufProducer.load(map)) {
            long seq = 1;
            for (int i = 0; i < ROUNDS / THREADS; i++) {
                RingBufferReader reader = RingBufferReader.open(map);
                producer.produce(2, 16, seq, RingBufProducer.NO_WAKEUP);
                ByteBuffer[] record = new ByteBuffer[1];
                assertEquals(1, reader.poll(Duration.ZERO, 1, (data, offset, length) -> { }), "first record");
                assertEquals(1, reader.consume(rec -> record[0] = rec));
                ByteBuffer[] data = new ByteBuffer[1];
                int[] at = new int[1];
                producer.produce(1, 16, seq + 2, RingBufProducer.NO_WAKEUP);
                assertEquals(1, reader.consume((d, offset, length) -> {
                    data[0] = d;
                    at[0] = offset;
                }));
                // Open: the views show the ring as it is; nothing was produced over these records.
                assertEquals(seq + 1, record[0].getLong(0), "kept record while open");
                assertEquals(seq + 2, data[0].getLong(at[0]), "kept data area while open");
                reader.close();
                assertEquals(0, record[0].getLong(0), "kept record after close");
                assertEquals(0, record[0].getLong(8), "kept record after close");
                assertEquals(0, data[0].getLong(at[0]), "kept data area after close");
                assertEquals(0, data[0].getLong(data[0].capacity() - 8), "end of the kept data area after close");
                reads += 4;
                window.set((thread * 7919 + i) % WINDOW, new Kept(i % 2 == 0 ? record[0] : data[0], i % 2 == 0 ? 0 : at[0]));
                for (int k = 0; k < WINDOW; k++) {
                    Kept old = window.get(k);
                    if (old != null) {
                        assertEquals(0, old.buffer().getLong(old.offset()), "a view kept from an earlier round");
                        reads++;
                    }
                }
                if (i % 500 == 499) {
                    System.gc(); // unkept views die: their ranges are given back and reused by later readers
                }
                seq += 3;
            }
        }
        return reads;
    }

    /**
     * Ranges retired at close are unmapped once their views are gone: 300 readers closed with a
     * view kept leave 300 zero-page ranges; dropping the views and collecting gives them back.
     */
    @Test
    void retiredRangesAreGivenBackOnceNoViewIsLeft() throws Exception {
        List<ByteBuffer> kept = new ArrayList<>();
        long[] addresses = new long[300];
        try (BpfMap map = BpfMap.create(MapSpec.ringBuf("rb_retired", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(map)) {
            for (int i = 0; i < addresses.length; i++) {
                try (RingBufferReader reader = RingBufferReader.open(map)) {
                    producer.produce(1, 16, i, RingBufProducer.NO_WAKEUP);
                    reader.consume(rec -> kept.add(rec));
                }
                addresses[i] = Pointer.nativeValue(Native.getDirectBufferPointer(kept.get(i)));
            }
            for (int i = 0; i < addresses.length; i++) {
                assertEquals(0, kept.get(i).getLong(0));
                assertTrue(inZeroPages(addresses[i]), "retired range " + i + " stays mapped while its view exists");
            }
        }
        kept.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int left;
        do {
            System.gc();
            Thread.sleep(50);
            left = 0;
            for (long a : addresses) {
                left += inZeroPages(a) ? 1 : 0;
            }
        } while (left > 0 && System.nanoTime() < deadline);
        assertEquals(0, left, "retired ranges still mapped after their views were collected");
    }

    /** True if {@code address} lies in a read-only, private, anonymous mapping (what a retired range is). */
    private static boolean inZeroPages(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+");
            String[] range = f[0].split("-");
            if (Long.compareUnsigned(address, Long.parseUnsignedLong(range[0], 16)) >= 0
                    && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0) {
                return f.length == 5 && f[1].equals("r--p") && f[4].equals("0");
            }
        }
        return false;
    }
}
