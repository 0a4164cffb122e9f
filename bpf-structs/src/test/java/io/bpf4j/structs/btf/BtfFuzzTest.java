package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 mutated copies of the recorded clang blob ({@code sample.btf}, 1.5 KB): parsing and
 * walking every type must either succeed or throw {@link BtfFormatException}, never anything else.
 * The timeout only catches a hang (the run takes a few seconds). Seed printed; rerun with
 * {@code -Dbpf4j.seed=N}.
 */
class BtfFuzzTest {
    private static final int COPIES = 100_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutatedBlobsFailOnlyWithBtfFormatException() throws Exception {
        byte[] seedBlob = SampleBtfTest.sample();
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("BtfFuzzTest seed=" + seed + " (rerun with -Dbpf4j.seed=" + seed + ")");
        // Most copies end in an exception; on a thread of its own the stack each one captures is
        // a dozen frames instead of JUnit's hundred, which makes the run several times faster.
        Throwable[] problem = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                run(seedBlob, seed);
            } catch (Throwable e) {
                problem[0] = e;
            }
        }, "btf-fuzz");
        t.start();
        t.join();
        if (problem[0] != null) {
            if (problem[0] instanceof AssertionError) {
                throw (AssertionError) problem[0];
            }
            throw new AssertionError(problem[0]);
        }
    }

    private static void run(byte[] seedBlob, long seed) {
        Random rnd = new Random(seed);
        int failures = 0;
        for (int n = 0; n < COPIES; n++) {
            byte[] blob = mutate(seedBlob, rnd);
            try {
                walk(Btf.parse(blob), rnd);
            } catch (BtfFormatException expected) {
                failures++;
            } catch (Throwable t) {
                fail("copy " + n + " (seed " + seed + ") threw " + t, t);
            }
        }
        System.out.println("BtfFuzzTest: " + failures + " of " + COPIES + " copies rejected as malformed");
    }

    /**
     * Everything a user can do with a blob without naming things that may not exist: decode every
     * type, then spell, resolve, size, find by name and search the members of a few random ones
     * (all of them would make the run slow; 100,000 copies cover every id many times).
     */
    static void walk(Btf btf, Random rnd) {
        btf.validate();
        int n = btf.typeCount();
        for (int id = 0; id < n; id++) {
            try {
                btf.type(id);
            } catch (BtfFormatException e) {
                throw new AssertionError("validate() passed but type " + id + " does not decode", e);
            }
        }
        for (int pick = 0; pick < 6; pick++) {
            int id = rnd.nextInt(n);
            btf.typeName(id);
            int r = btf.resolveId(id);
            BtfType t = btf.type(id);
            int k = btf.kindCode(r);
            if (k == 1 || k == 2 || k == 3 || k == 4 || k == 5 || k == 6 || k == 15 || k == 16 || k == 19) {
                btf.sizeOf(id);
            }
            if (!t.name().isEmpty() && t.kind() != BtfKind.VOID) {
                btf.findId(t.name(), t.kind()).orElseThrow();
            }
            if (t instanceof BtfType.StructType) {
                for (BtfType.Member m : ((BtfType.StructType) t).members()) {
                    if (!m.name().isEmpty()) {
                        btf.memberOf(id, m.name(), m.name());
                    }
                }
            }
            if (t instanceof BtfType.FuncType) {
                btf.function(t.name());
            }
        }
    }

    static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            if (b.length < 24) {
                return b; // truncated below the header: nothing more to damage
            }
            switch (rnd.nextInt(6)) {
                case 0: // flip one bit
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    break;
                case 1: // random byte
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    break;
                case 2: { // an aligned word set to an interesting value (ids, offsets, counts, kinds)
                    int at = rnd.nextInt(b.length / 4) * 4;
                    int[] values = {0, 1, -1, 0xffff, 0x7fffffff, 0x80000000, b.length, rnd.nextInt(64),
                            rnd.nextInt(32) << 24 | rnd.nextInt(4), 0x80000000 | rnd.nextInt(20) << 24 | rnd.nextInt(8)};
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, values[rnd.nextInt(values.length)]);
                    break;
                }
                case 3: // a header field
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 4 * rnd.nextInt(5),
                            rnd.nextBoolean() ? rnd.nextInt(b.length + 16) : rnd.nextInt());
                    break;
                case 4: // truncate
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                    break;
                default: { // copy a 12-byte chunk elsewhere (records, members)
                    {
                        int from = rnd.nextInt(b.length - 12);
                        int to = rnd.nextInt(b.length - 12);
                        System.arraycopy(b, from, b, to, 12);
                    }
                    break;
                }
            }
        }
        return b;
    }
}
