package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class Log2HistogramTest {
    @Test
    void bucketIsFloorOfLog2WithZeroInTheFirst() {
        assertEquals(0, Log2Histogram.bucketOf(0));
        assertEquals(0, Log2Histogram.bucketOf(1));
        assertEquals(1, Log2Histogram.bucketOf(2));
        assertEquals(1, Log2Histogram.bucketOf(3));
        assertEquals(2, Log2Histogram.bucketOf(4));
        assertEquals(10, Log2Histogram.bucketOf(1024));
        assertEquals(63, Log2Histogram.bucketOf(-1L)); // 2^64 - 1 as u64
    }

    @Test
    void printsBarsFromFirstToLastNonEmptyBucketScaledToTheLargest() {
        long[] counts = new long[64];
        counts[2] = 3;
        counts[4] = 12;
        StringWriter s = new StringWriter();
        new Log2Histogram(counts).print(new PrintWriter(s, true), "usecs");
        String[] lines = s.toString().split("\n");
        assertEquals("                   usecs : count    distribution", lines[0]);
        assertEquals("         4 -> 7          : 3        |**********                              |", lines[1]);
        assertEquals("         8 -> 15         : 0        |                                        |", lines[2]);
        assertEquals("        16 -> 31         : 12       |****************************************|", lines[3]);
        assertEquals(4, lines.length);
    }

    @Test
    void totalIsTheSumOfTheBuckets() {
        assertEquals(15, new Log2Histogram(new long[] {1, 2, 0, 12}).total());
    }

    @Test
    void emptyHistogramSaysSoInOneLine() {
        StringWriter s = new StringWriter();
        new Log2Histogram(new long[64]).print(new PrintWriter(s, true), "nsecs");
        assertEquals("(no calls)\n", s.toString());
    }
}
