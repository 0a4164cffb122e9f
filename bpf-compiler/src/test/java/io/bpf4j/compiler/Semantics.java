package io.bpf4j.compiler;

/**
 * Programs that exercise the subset's Java semantics (int and long arithmetic, casts, shifts,
 * unsigned forms, comparisons, switch, ternaries, loops, arrays, spills): each reads its inputs
 * from a 32-byte syscall context ({@code long a, long b, int x, int y, long z}) and returns a
 * mix of what it computed, so one return value compared with the JVM's checks it all.
 */
final class Semantics {
    private Semantics() {
    }

    static int arithmetic(SyscallContext ctx) {
        long a = ctx.u64(0);
        long b = ctx.u64(8);
        int x = ctx.u32(16);
        int y = ctx.u32(20);
        long r = a * 31 + (b ^ (a >>> 7)) - (x << 3) + (long) y * x;
        r ^= a << x;                                      // Java masks the count: x & 63
        r += b >> y;
        r -= b >>> (y + 1);
        int i = x * y + (x >>> 3) - (y >> 2) + (x & y | ~x) - -x;
        short s = (short) (i + 7);
        byte bt = (byte) i;
        char c = (char) i;
        r += s + bt + c;
        r += Long.divideUnsigned(a, 7) + Long.remainderUnsigned(b, 1000) + Integer.divideUnsigned(x, 3)
                + Integer.remainderUnsigned(y, 10);
        r += Integer.toUnsignedLong(y) + (int) (a >>> 13) + (long) x;
        r += Math.min(x, y) + Math.max(a, b) + Math.min(a, 5L) + Math.max(y, -3);
        return (int) (r ^ (r >>> 32));
    }

    static int comparisons(SyscallContext ctx) {
        long a = ctx.u64(0);
        long b = ctx.u64(8);
        int x = ctx.u32(16);
        int y = ctx.u32(20);
        int r = 0;
        if (a < b) {
            r |= 1;
        }
        if (Long.compareUnsigned(a, b) < 0) {
            r |= 2;
        }
        if (x <= y) {
            r |= 4;
        }
        if (Integer.compareUnsigned(x, y) >= 0) {
            r |= 8;
        }
        if (a == b || x == 0) {
            r |= 16;
        }
        if (a > 0 && x != y) {
            r |= 32;
        }
        if (Long.compareUnsigned(a, 1000) > 0) {
            r |= 64;
        }
        boolean odd = (x & 1) == 1;
        r += odd ? 100 : 200;
        r += x > y ? x - y : y - x;
        switch (x & 7) {
            case 0:
                r += 1;
                break;
            case 1:
                r += 10;
                break;
            case 3:
                r *= 3;
                break;
            case 5:
                return r - 1;
            default:
                r ^= 0x55;
        }
        switch (y) {
            case 100:
                r += 1;
                break;
            case -5:
                r += 2;
                break;
            case 100000:
                r += 3;
                break;
            default:
                break;
        }
        return r;
    }

    /** More values live across helper calls than r6..r9 can hold: some are spilled to the stack. */
    static int spills(SyscallContext ctx) {
        long a = ctx.u64(0);
        long b = ctx.u64(8);
        long c = ctx.u32(16);
        long d = ctx.u32(20);
        long e = a ^ b;
        long f = a + c;
        long g = b - d;
        long h = c * d;
        long t = Bpf.ktimeGetNs();
        long t2 = Bpf.ktimeGetNs();
        long sum = a + b * 3 + c * 5 + d * 7 + e * 11 + f * 13 + g * 17 + h * 19 + (t2 >= t ? 1 : 0);
        return (int) (sum ^ (sum >>> 29));
    }

    static int loops(SyscallContext ctx) {
        byte[] buf = new byte[32];
        ctx.read(0, buf);
        int h = 0;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == 0x7f) {
                break;
            }
            h = h * 31 + buf[i];
        }
        int count = 0;
        for (int i = 0; i < 32; i += 2) {
            if ((buf[i] & 0x80) != 0) {
                count++;
            }
        }
        int[] hist = new int[4];
        for (int i = 0; i < 16; i++) {
            hist[buf[i] & 3]++;
        }
        return h + count * 1000 + hist[0] * 7 + hist[3] * 13 + mix(h, count);
    }

    // tag::bpf-loop[]
    /** Up to 1023 iterations of a pseudo-random walk through bpf_loop: the verifier checks step once. */
    static int bigLoop(SyscallContext ctx) {
        long[] state = new long[2];
        state[0] = ctx.u64(0);
        int ran = Bpf.loop(ctx.u32(16) & 0x3ff, state, Semantics::step);
        return (int) (state[1] ^ state[0]) + ran;
    }

    static boolean step(int i, long[] state) {
        state[1] += state[0] ^ i;
        state[0] = state[0] * 6364136223846793005L + 1442695040888963407L;
        return (state[0] & 0xfff) == 0x123 && i > 10;
    }
    // end::bpf-loop[]

    /** A million iterations: far beyond what a loop in the method could make the verifier walk. */
    static int millionIterations(SyscallContext ctx) {
        long[] state = new long[2];
        state[0] = ctx.u64(0);
        return Bpf.loop(1_000_000, state, Semantics::step);
    }

    /** Called, so inlined: parameters, a local and a return value. */
    static int mix(int p, int q) {
        int m = p ^ (q << 5);
        return m > 0 ? m & 0xff : -m >>> 1;
    }

    /** Signed division and remainder by constants and int-to-long casts: cpu v4's sdiv, smod and movsx. */
    static int signedDivision(SyscallContext ctx) {
        int a = ctx.u32(16);
        long b = ctx.u64(0);
        long w = a;                                        // (long) of a negative int stays negative
        return (a / 7) ^ (a % 5) ^ (int) (b / -3) ^ (int) (b % 1000) ^ (a / -1) ^ (int) (w * 31 / 8) ^ (int) (w >> 40);
    }
}
