package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.ringbuf.testing.RingBufProducer;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The examples in this module's javadoc, run as written (only the producer is added). */
@KernelTest
class JavadocExamplesKernelTest {

    @Test
    void readerClassExample() {
        try (BpfMap events = BpfMap.create(MapSpec.ringBuf("doc_reader", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(events)) {
            producer.produce(2, 16, 7, 0);
            int n;
            // RingBufferReader's class javadoc:
            try (RingBufferReader reader = RingBufferReader.open(events)) {
                n = reader.poll(Duration.ofMillis(100), rec -> System.out.println(rec.getLong(0)));
            }
            assertEquals(2, n);
        }
    }

    @Test
    void rawAndCopyingHandlerExamples() throws Exception {
        try (BpfMap events = BpfMap.create(MapSpec.ringBuf("doc_raw", 1 << 16));
             RingBufProducer producer = RingBufProducer.load(events);
             RingBufferReader reader = RingBufferReader.open(events)) {
            producer.produce(3, 16, 1, 0);
            // RawRecordHandler's javadoc:
            long[] sum = {0};
            reader.consume((data, offset, length) -> sum[0] += data.getLong(offset));
            assertEquals(1 + 2 + 3, sum[0]);

            producer.produce(1, 64, 9, 0);
            // RawRecordHandler.copying's javadoc:
            BlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
            reader.poll(Duration.ofMillis(100), RawRecordHandler.copying(queue::add));
            assertEquals(9, queue.take().getLong(0));

            // RingBufferStats' javadoc:
            RingBufferStats s = reader.stats();
            System.out.printf("%d records, %d discarded, %d bytes through the ring%n", s.records(), s.discarded(), s.bytes());
            assertEquals(4, s.records());
        }
    }

    @Test
    void pollerClassExample() {
        try (BpfMap execEvents = BpfMap.create(MapSpec.ringBuf("doc_exec", 1 << 16));
             BpfMap exitEvents = BpfMap.create(MapSpec.ringBuf("doc_exit", 1 << 16));
             RingBufProducer execs = RingBufProducer.load(execEvents);
             RingBufProducer exitsProducer = RingBufProducer.load(exitEvents)) {
            execs.produce(1, 16, 5, 0);
            exitsProducer.produce(2, 16, 0, 0);
            LongAdder exits = new LongAdder();
            int polled = 0;
            int rounds = 0;
            // RingBufferPoller's class javadoc (the loop bounded for the test):
            try (RingBufferPoller poller = RingBufferPoller.create()) {
                poller.add(execEvents, rec -> System.out.println("exec " + rec.getInt(8)));
                poller.add(exitEvents, (data, offset, length) -> exits.increment());
                while (polled < 3 && rounds++ < 100) {
                    polled += poller.poll(Duration.ofMillis(100));
                }
            }
            assertEquals(3, polled);
            assertEquals(2, exits.sum());
        }
    }
}
