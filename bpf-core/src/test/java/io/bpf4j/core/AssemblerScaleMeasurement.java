package io.bpf4j.core;

import java.lang.reflect.Method;
import java.nio.ByteOrder;

/**
 * Not a test: a measurement to run by hand, showing that assembling a 1,000,000-instruction
 * program with labels takes milliseconds and allocates per program and per label, never per
 * instruction (only the output and a few int arrays of one entry per instruction).
 *
 * <pre>
 *   ./mvnw -q -o test-compile -pl bpf-core
 *   java -cp bpf-core/target/classes:bpf-core/target/test-classes io.bpf4j.core.AssemblerScaleMeasurement
 * </pre>
 */
public final class AssemblerScaleMeasurement {
    private AssemblerScaleMeasurement() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        ProgramBuilder b = Program.builder();
        int labels = 0;
        for (int i = 0; b.size() < n - 2; i++) {
            if (i % 100 == 0) {
                b.label("l" + i);
                labels++;
            }
            switch (i % 4) {
                case 0: b.mov64(Reg.R0, i); break;
                case 1: b.add64(Reg.R0, Reg.R1); break;
                case 2: b.jeq(Reg.R0, i, "l" + (i / 100) * 100); break;   // back to this block's label
                default: b.ldxdw(Reg.R1, Reg.R10, -8); break;
            }
        }
        Program p = b.mov64(Reg.R0, 0).exit().build();
        // Reflection: bpf-core's tests compile inside io.bpf4j.core, which does not read java.management.
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        long tid = Thread.currentThread().getId();
        for (int round = 1; round <= 8; round++) {
            long a0 = (long) allocatedBytes.invoke(mx, tid);
            long t0 = System.nanoTime();
            byte[] code = p.assemble(ByteOrder.LITTLE_ENDIAN);
            long t1 = System.nanoTime();
            long allocated = (long) allocatedBytes.invoke(mx, tid) - a0;
            int insns = p.instructions().size() - labels;
            System.out.printf("round %d: %,d instructions + %,d labels -> %,d bytes in %.1f ms;"
                            + " allocated %,d bytes = output %,d + %.1f bytes per instruction (arrays)%n",
                    round, insns, labels, code.length, (t1 - t0) / 1e6, allocated, code.length,
                    (allocated - code.length) / (double) p.instructions().size());
        }
    }
}
