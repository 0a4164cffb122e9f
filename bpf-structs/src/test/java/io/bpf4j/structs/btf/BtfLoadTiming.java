package io.bpf4j.structs.btf;

import java.nio.file.Path;

/**
 * Not a test: prints how long loading the running kernel's BTF and resolving
 * {@code task_struct.real_parent} and {@code task_struct.tgid} takes (the work of
 * {@code anchors/btf/btfbench.c}), cold and warm, and the memory a loaded {@link Btf} keeps.
 * The JMH benchmark in bpf-bench is the reference; this is the quick look.
 *
 * <pre>
 * ./mvnw -q -o test-compile -pl bpf-structs -am
 * java -cp bpf-core/target/classes:bpf-structs/target/classes:bpf-structs/target/test-classes \
 *      io.bpf4j.structs.btf.BtfLoadTiming [rounds | heap]
 * </pre>
 */
public final class BtfLoadTiming {
    private BtfLoadTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path file = args.length > 1 ? Path.of(args[1]) : Btf.VMLINUX;
        if (args.length > 0 && args[0].equals("heap")) {
            retained(file);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;

        long t0 = System.nanoTime();
        Btf first = Btf.load(file);
        long rp = first.offsetOf("task_struct", "real_parent");
        long tg = first.offsetOf("task_struct", "tgid");
        long t1 = System.nanoTime();
        System.out.printf("first call (fresh JVM): %.1f ms; real_parent=%d tgid=%d (%s)%n", (t1 - t0) / 1e6, rp, tg, first);

        for (int r = 0; r < 5; r++) {
            long best = Long.MAX_VALUE;
            long sum = 0;
            for (int i = 0; i < rounds; i++) {
                long s = System.nanoTime();
                Btf b = Btf.load(file);
                long a = b.offsetOf("task_struct", "real_parent") + b.offsetOf("task_struct", "tgid");
                long e = System.nanoTime();
                if (a != rp + tg) {
                    throw new AssertionError("offsets changed");
                }
                best = Math.min(best, e - s);
                sum += e - s;
            }
            System.out.printf("warm load + 2 lookups: best %.2f ms, mean %.2f ms (%d rounds)%n",
                    best / 1e6, sum / 1e6 / rounds, rounds);
        }

        long s = System.nanoTime();
        Btf full = Btf.load(file);
        int n = full.typeCount();
        long m = System.nanoTime();
        full.findId("does_not_exist", BtfKind.STRUCT);
        for (int i = 0; i < 9; i++) {
            full.findId("x" + i, BtfKind.STRUCT); // the 9th lookup builds the name index
        }
        long e = System.nanoTime();
        System.out.printf("load + index all %d types: %.2f ms; 10 misses incl. building the name index: %.2f ms%n",
                n, (m - s) / 1e6, (e - m) / 1e6);

    }

    /**
     * Heap kept by one loaded Btf, measured in a JVM that has loaded nothing else (argument "heap").
     * A rough figure: G1 accounts the blob (a humongous array) in whole regions, and
     * {@code Runtime} counts are approximate under every collector. By construction a Btf keeps
     * the blob, an int per type indexed so far (4,112 after a lookup near the start of vmlinux,
     * about 127,000 once every type is indexed) and, after the eighth name lookup, a name index
     * of two ints per type rounded to a power of two (1 MiB for vmlinux).
     */
    private static void retained(Path file) throws Exception {
        long before = usedHeapAfterGc();
        Btf kept = Btf.load(file);
        kept.path("task_struct.real_parent->tgid");
        long afterLookup = usedHeapAfterGc();
        kept.typeCount();
        long afterIndex = usedHeapAfterGc();
        kept.findId("a", BtfKind.STRUCT);
        for (int i = 0; i < 9; i++) {
            kept.findId("b" + i, BtfKind.STRUCT);
        }
        long afterNames = usedHeapAfterGc();
        System.out.printf("retained heap: %.2f MiB after load + one path (%.2f MiB with every type indexed, "
                        + "%.2f MiB with the name index), of which the blob is %.2f MiB (%s)%n",
                (afterLookup - before) / 1048576.0, (afterIndex - before) / 1048576.0,
                (afterNames - before) / 1048576.0, kept.blobSize() / 1048576.0, kept);

    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
