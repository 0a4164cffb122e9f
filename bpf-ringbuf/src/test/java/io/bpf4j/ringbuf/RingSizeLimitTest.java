package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.syscall.MapSpec;
import org.junit.jupiter.api.Test;

/** The largest ring bpf-syscall creates is exactly the largest this reader maps. */
class RingSizeLimitTest {
    @Test
    void theCreationLimitIsTheReadersLimit() {
        assertEquals(RingBufferLayout.MAX_DATA_SIZE, MapSpec.MAX_RING_SIZE);
        RingBufferLayout.checkDataSize(MapSpec.MAX_RING_SIZE, 4096);
    }
}
