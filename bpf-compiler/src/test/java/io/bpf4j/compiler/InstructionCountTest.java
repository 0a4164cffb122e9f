package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.structs.btf.Btf;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The compiled programs stay within 1.3 times the instructions of the same logic written by hand
 * with the DSL ({@link DslPrograms}); prints the table.
 */
class InstructionCountTest {
    @Test
    void compiledProgramsAreAtMostThirtyPercentLargerThanHandWrittenOnes() {
        Assumptions.assumeTrue(Files.isReadable(Btf.VMLINUX), "the exec tracer's ppid needs the kernel's BTF");
        Btf btf = Btf.kernel();
        BpfCompiler c = BpfCompiler.create().btf(btf);
        Map<String, int[]> rows = new LinkedHashMap<>();
        rows.put("(1) exec tracer", new int[] {slots(c.compile(Programs.class, "onExec").program()),
                slots(DslPrograms.exec(btf, MapReference.named("exec_events")))});
        rows.put("(1) exec tracer, in place", new int[] {slots(c.compile(Programs.class, "onExecReserved").program()),
                slots(DslPrograms.exec(btf, MapReference.named("exec_events")))});
        rows.put("(2) execs per uid", new int[] {slots(c.compile(Programs.class, "countExec").program()),
                slots(DslPrograms.counter(MapReference.named("execs_by_uid")))});
        rows.put("(3) XDP UDP ports", new int[] {slots(c.compile(Programs.class, "udpPorts").program()),
                slots(DslPrograms.xdp(MapReference.named("udp_by_port")))});
        rows.put("(4) funclatency entry", new int[] {slots(c.compile(Programs.class, "latencyEntry").program()),
                slots(DslPrograms.latencyEntry(MapReference.named("lat_starts")))});
        rows.put("(4) funclatency return", new int[] {slots(c.compile(Programs.class, "latencyReturn").program()),
                slots(DslPrograms.latencyReturn(MapReference.named("lat_starts"), MapReference.named("lat_hist")))});
        StringBuilder table = new StringBuilder("| program | compiled | DSL | ratio |\n|---|---:|---:|---:|\n");
        StringBuilder over = new StringBuilder();
        for (Map.Entry<String, int[]> e : rows.entrySet()) {
            int[] v = e.getValue();
            double ratio = (double) v[0] / v[1];
            table.append(String.format("| %s | %d | %d | %.2f |%n", e.getKey(), v[0], v[1], ratio));
            if (ratio > 1.3) {
                over.append(e.getKey()).append(' ');
            }
        }
        System.out.println(table);
        assertTrue(over.length() == 0, "over 1.3x: " + over + "\n" + table);
    }

    private static int slots(Program p) {
        return p.slotCount();
    }
}
