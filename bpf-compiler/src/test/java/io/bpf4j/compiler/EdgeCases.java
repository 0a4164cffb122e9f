package io.bpf4j.compiler;

import io.bpf4j.structs.U16;
import io.bpf4j.structs.U32;
import io.bpf4j.structs.U64;

/** Less common shapes of bytecode: each either compiles and agrees with the JVM, or is refused by name. */
final class EdgeCases {
    private EdgeCases() {
    }

    record Inner(@U32 int a, @U16 short b) {
    }

    record Outer(@U64 long x, Inner inner) {
    }

    static int nestedTernaries(SyscallContext ctx) {
        int x = ctx.u32(0);
        int y = ctx.u32(4);
        return x > 0 ? (y > 0 ? 1 : y == 0 ? 2 : 3) : (x == 0 ? 4 : y < x ? 5 : 6);
    }

    static int booleansAndChars(SyscallContext ctx) {
        int x = ctx.u32(0);
        boolean even = (x & 1) == 0;
        boolean big = x > 1000 || x < -1000;
        char c = (char) (x + 'a');
        switch (c) {
            case 'a':
                return 1;
            case 'z':
                return 2;
            default:
                return (even ? 10 : 20) + (big ? 100 : 0) + (c & 0xff);
        }
    }

    static int longsThroughInlining(SyscallContext ctx) {
        long a = ctx.u64(0);
        long b = ctx.u64(8);
        return (int) (pick(a, b, 3) + pick(b, a, 7) + pick(a + 1, b - 1, -1));
    }

    static long pick(long p, long q, int k) {
        if (k < 0) {
            return p ^ q;
        }
        long r = p;
        for (int i = 0; i < 4; i++) {
            r = r * k + q;
            if (r == 0) {
                return -1;
            }
        }
        return r;
    }

    static int nestedRecords(SyscallContext ctx) {
        Outer o = new Outer(ctx.u64(0), new Inner(ctx.u32(8), (short) ctx.u16(12)));
        return (int) o.x() + o.inner().a() * 3 + o.inner().b();
    }

    static int shortAndIntArrays(SyscallContext ctx) {
        short[] s = new short[4];
        s[0] = (short) ctx.u16(0);
        s[1] = (short) ctx.u16(2);
        s[2] = (short) ctx.u16(4);
        s[3] = (short) ctx.u16(6);
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            v[i] = s[i] * (i + 1);
        }
        int idx = ctx.u32(8) & 3;
        return v[0] + v[1] - v[2] + v[3] + s[idx] + v[idx];
    }

    static int recursion(SyscallContext ctx) {
        return fact(ctx.u32(0));
    }

    static int fact(int n) {
        return n <= 1 ? 1 : n * fact(n - 1);
    }

    static int constantIndexOutOfBounds(SyscallContext ctx) {
        int[] v = new int[2];
        return v[2];
    }

    static int stringLength(SyscallContext ctx) {
        return String.valueOf(ctx.u32(0)).length();
    }

    static int boxing(SyscallContext ctx) {
        Integer boxed = ctx.u32(0);
        return boxed.hashCode();
    }

    static int loopsWithBreakAndContinue(SyscallContext ctx) {
        int x = ctx.u32(0);
        int acc = 0;
        // Each data-dependent branch in a bounded loop multiplies the paths the verifier walks
        // (16 iterations here exceed its million-instruction budget): keep such loops short, or use Bpf.loop.
        for (int i = 0; i < 4; i++) {
            if ((x >>> i & 1) == 0) {
                continue;
            }
            for (int j = 10; j > 0; j -= 3) {
                acc += i * j;
                if (acc > 5000) {
                    break;
                }
            }
        }
        int k = 0;
        do {
            acc ^= k << 2;
            k++;
        } while (k < 5);
        return acc;
    }

    static int stackValuesAcrossCalls(SyscallContext ctx) {
        long a = ctx.u64(0);
        long r = a * 3 + (Bpf.ktimeGetNs() >= 0 ? 1 : 2) + Long.divideUnsigned(a, 3) + (Bpf.currentPidTgid() >= 0 ? a : -a);
        int x = ctx.u32(8);
        int y = x++ + x;
        int z = x-- * 3 - --x;
        return (int) r + y * 7 + z;
    }

    static int overflowAndShifts(SyscallContext ctx) {
        int x = ctx.u32(0);
        long a = ctx.u64(8);
        int s = ctx.u32(4);
        return x * x + (int) (a << s) + (int) (a >> (s + 64)) + (x << (s - 1)) + (int) ((a * a) >>> 3);
    }

    @SuppressWarnings("fallthrough") // the fall-through is what the compiler is tested on
    static int fallThroughSwitch(SyscallContext ctx) {
        int r = 0;
        switch (ctx.u32(0) & 3) {
            case 0:
                r += 1;
            case 1:
                r += 10;
            case 2:
                r += 100;
                break;
            default:
                r = -1;
        }
        return r + (isSmall(ctx.u32(4)) ? 1000 : 0) + classify(ctx.u64(8));
    }

    static boolean isSmall(int v) {
        return v > -10 && v < 10;
    }

    static int classify(long v) {
        if (v == 0) {
            return 3;
        }
        if (v < 0) {
            return v < -100 ? 5 : 7;
        }
        return 11;
    }
}
