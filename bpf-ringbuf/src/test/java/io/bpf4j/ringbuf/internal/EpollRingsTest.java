package io.bpf4j.ringbuf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EpollRingsTest {

    @Test
    void timeoutsRoundUpToWholeMillisecondsAndHugeOnesWaitForever() {
        assertEquals(0, EpollRings.timeoutMillis(Duration.ZERO));
        assertEquals(1, EpollRings.timeoutMillis(Duration.ofNanos(1)));
        assertEquals(1, EpollRings.timeoutMillis(Duration.ofMillis(1)));
        assertEquals(2, EpollRings.timeoutMillis(Duration.ofMillis(1).plusNanos(1)));
        assertEquals(100, EpollRings.timeoutMillis(Duration.ofMillis(100)));
        assertEquals(-1, EpollRings.timeoutMillis(Duration.ofDays(365)));
        assertEquals(-1, EpollRings.timeoutMillis(Duration.ofSeconds(Long.MAX_VALUE)));
        assertThrows(IllegalArgumentException.class, () -> EpollRings.timeoutMillis(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> EpollRings.timeoutMillis(null));
    }
}
