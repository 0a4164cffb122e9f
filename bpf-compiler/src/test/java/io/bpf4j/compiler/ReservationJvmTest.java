package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.compiler.Reserved.Sample;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A reservation on the JVM keeps the kernel's rules: null when full, every field set, nothing after submit. */
class ReservationJvmTest {
    @BeforeEach
    void empty() {
        Reserved.SAMPLES.drain();
    }

    @Test
    void aSubmittedRecordIsDecodedFromTheBytesItsSettersWrote() {
        Reservation<Sample> e = Reserved.SAMPLES.reserve();
        e.set(Sample::seq, -5L);
        e.set(Sample::value, 0x8000_0001);
        e.set(Sample::kind, (byte) 0x1ff);                 // a byte field keeps the low byte, as a store does
        e.set(Sample::sum, 42);
        e.set(Sample::tag, "abcdefgh".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        e.submit();
        List<Sample> got = Reserved.SAMPLES.drain();
        assertEquals(1, got.size());
        Sample s = got.get(0);
        assertEquals(-5L, s.seq());
        assertEquals(0x8000_0001, s.value());
        assertEquals((byte) 0xff, s.kind());
        assertEquals(42, s.sum());
        assertArrayEquals("abcdefgh".getBytes(java.nio.charset.StandardCharsets.US_ASCII), s.tag());
    }

    @Test
    void aUseAfterSubmitOrDiscardThrows() {
        Reservation<Sample> e = Reserved.SAMPLES.reserve();
        e.discard();
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.set(Sample::seq, 1));
        assertTrue(x.getMessage().contains("already discarded"), x.getMessage());
        assertThrows(IllegalStateException.class, e::submit);
    }

    @Test
    void aSubmitWithAFieldNotSetThrowsNamingIt() {
        Reservation<Sample> e = Reserved.SAMPLES.reserve();
        e.set(Sample::seq, 1);
        IllegalStateException x = assertThrows(IllegalStateException.class, e::submit);
        assertTrue(x.getMessage().contains("field value of Sample was not set"), x.getMessage());
    }

    @Test
    void aFullRingReservesNullUntilTheReaderDrainsIt() {
        byte[] ctx = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putInt(8, 1).array();
        for (int i = 0; i < 4096 / (8 + 32); i++) {       // as many as in the kernel's ring
            assertEquals(1, Reserved.sample(SyscallContext.of(ctx)));
        }
        assertEquals(-1, Reserved.sample(SyscallContext.of(ctx)));
        assertNull(Reserved.SAMPLES.reserve());
        assertEquals(102, Reserved.SAMPLES.drain().size());
        assertEquals(1, Reserved.sample(SyscallContext.of(ctx)));
    }

    @Test
    void aLambdaThatIsNotAnAccessorIsRefused() {
        Reservation<Sample> e = Reserved.SAMPLES.reserve();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.set((Sample s) -> s.value() + 1, 5));
        assertTrue(x.getMessage().contains("method reference to an accessor of Sample"), x.getMessage());
        e.discard();
    }

    @Test
    void theInPlaceExecTracerFillsEveryFieldFromTheKernelDouble() {
        JvmKernel.current().reset().pidTgid(42L << 32 | 43).uidGid(7L << 32 | 1000).comm("bash").clock(5)
                .taskField("real_parent->tgid", 9);
        Programs.EXEC_EVENTS.drain();
        Programs.onExecReserved(TracepointContext.of(new byte[0]));
        List<Programs.ExecEvent> events = Programs.EXEC_EVENTS.drain();
        assertEquals(1, events.size());
        Programs.ExecEvent e = events.get(0);
        assertEquals(5, e.timestamp());
        assertEquals(43, e.pid());
        assertEquals(42, e.tgid());
        assertEquals(1000, e.uid());
        assertEquals(9, e.ppid());
        assertArrayEquals("bash".getBytes(java.nio.charset.StandardCharsets.US_ASCII), java.util.Arrays.copyOf(e.comm(), 4));
    }
}
