package io.bpf4j.compiler;

import io.bpf4j.structs.btf.Btf;

/**
 * Compile time of the acceptance programs: the first compile in a fresh JVM (cold: ASM, the
 * compiler and the class file loaded and read) and the mean of later ones (warm). Not a test (no
 * assertion); run it with the test classpath:
 * {@code java -cp <test classpath> io.bpf4j.compiler.CompileTimeMeasurement onExec}. The kernel's
 * BTF is parsed before timing (it is a cost of its own, measured by bpf-bench's BtfLoadTiming).
 */
public final class CompileTimeMeasurement {
    private CompileTimeMeasurement() {
    }

    public static void main(String[] args) {
        String method = args.length > 0 ? args[0] : "onExec";
        BpfCompiler c = BpfCompiler.create().btf(Btf.kernel());
        long t0 = System.nanoTime();
        CompiledProgram first = c.compile(Programs.class, method);
        long cold = System.nanoTime() - t0;
        int rounds = 2000;
        for (int i = 0; i < rounds; i++) {
            c.compile(Programs.class, method);                   // warm-up
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            c.compile(Programs.class, method);
        }
        long warm = (System.nanoTime() - t1) / rounds;
        System.out.printf("%s: %d instructions, cold %.1f ms, warm %.1f us%n", method, first.program().slotCount(),
                cold / 1e6, warm / 1e3);
    }
}
