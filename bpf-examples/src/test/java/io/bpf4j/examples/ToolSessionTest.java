package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ToolSessionTest {
    @Test
    void runsUntilStopped() {
        try (ToolSession s = ToolSession.start(null)) {
            assertTrue(s.running());
            s.stop();
            assertFalse(s.running());
        }
    }

    @Test
    void durationCountsFromStartClockNotFromStart() {
        try (ToolSession s = ToolSession.start(Duration.ZERO)) {
            assertTrue(s.running(), "attaching may take long: --duration is tracing time");
            s.startClock();
            assertFalse(s.running());
            assertTrue(s.pollTimeout(Duration.ofSeconds(1)).isZero());
        }
    }

    @Test
    void pollTimeoutNeverPassesTheDeadline() {
        try (ToolSession s = ToolSession.start(Duration.ofHours(1))) {
            s.startClock();
            assertTrue(s.pollTimeout(Duration.ofMillis(100)).equals(Duration.ofMillis(100)));
        }
    }
}
