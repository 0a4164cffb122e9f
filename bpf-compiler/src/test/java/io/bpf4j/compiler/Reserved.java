package io.bpf4j.compiler;

import io.bpf4j.structs.Chars;
import io.bpf4j.structs.U32;
import io.bpf4j.structs.U64;
import io.bpf4j.structs.U8;

/**
 * Syscall programs that reserve ring-buffer records and fill them in place, run with chosen input
 * through BPF_PROG_TEST_RUN against their JVM runs (ReservationKernelTest).
 */
final class Reserved {
    private Reserved() {
    }

    /** 32 bytes: kind at 12 is followed by three bytes of padding the compiler zeroes. */
    record Sample(@U64 long seq, @U32 int value, @U8 byte kind, @U64 long sum, @Chars(8) byte[] tag) {
    }

    /** Room for 102 samples (an 8-byte header and 32 bytes each). */
    static final RingBuffer<Sample> SAMPLES = RingBuffer.of("samples", Sample.class, 4096);

    // tag::sample[]
    /** Context: u64 seq, u32 value, 4 bytes unused, 8 bytes of tag. One in four values is discarded. */
    static int sample(SyscallContext ctx) {
        Reservation<Sample> e = SAMPLES.reserve();
        if (e == null) {
            return -1;                                     // the ring is full
        }
        int value = ctx.u32(8);
        e.set(Sample::seq, ctx.u64(0));
        e.set(Sample::value, value);
        if ((value & 3) == 0) {
            e.discard();                                   // the reader never sees it
            return 0;
        }
        byte[] tag = new byte[8];
        ctx.read(16, tag);
        e.set(Sample::tag, tag);
        e.set(Sample::kind, (byte) (value >>> 24));
        e.set(Sample::sum, ctx.u64(0) + Integer.toUnsignedLong(value));
        e.submit(Reservation.NO_WAKEUP);
        return 1;
    }
    // end::sample[]

    /** An array index checked at run time while a reservation is open: an index out of bounds discards it. */
    static int indexWhileReserved(SyscallContext ctx) {
        Reservation<Sample> e = SAMPLES.reserve();
        if (e == null) {
            return -1;
        }
        long[] table = new long[4];
        table[1] = 11;
        table[2] = 22;
        e.set(Sample::seq, table[ctx.u32(0)]);             // out of bounds: the program ends, the record is discarded
        e.set(Sample::value, 0);
        e.set(Sample::kind, (byte) 0);
        e.set(Sample::sum, 0);
        e.set(Sample::tag, new byte[8]);
        e.submit();
        return 1;
    }

    /** The fill of a record split into a helper method (inlined), submitting on one path, discarding on the other. */
    static int viaHelper(SyscallContext ctx) {
        Reservation<Sample> e = SAMPLES.reserve();
        if (e != null) {
            finish(e, ctx.u32(0));
        }
        return 0;
    }

    static void finish(Reservation<Sample> e, int value) {
        if (value == 0) {
            e.discard();
            return;
        }
        e.set(Sample::seq, value);
        e.set(Sample::value, value);
        e.set(Sample::kind, (byte) 1);
        e.set(Sample::sum, 2L * value);
        e.set(Sample::tag, new byte[8]);
        e.submit();
    }
}
