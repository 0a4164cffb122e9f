package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.VerifierException;
import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Java lines reach the kernel as BTF line_info: the verifier's own log names them, and a rejection
 * names the Java method and line.
 */
@KernelTest
class LineInfoKernelTest {
    static final LongHashMap SEEN = LongHashMap.of("seen", 8, 16);

    // tag::rejected[]
    /** The verifier refuses this: a tracepoint's record is smaller than 30000 bytes. */
    static int readsPastTheRecord(TracepointContext ctx) {
        long pid = Bpf.currentPidTgid();
        SEEN.put(pid, 1);
        return (int) ctx.u64(30000);                   // line 24
    }
    // end::rejected[]

    @Test
    void aRejectionNamesTheJavaLineInTheKernelsLogAndInTheException() {
        CompiledProgram p = BpfCompiler.create().compile(LineInfoKernelTest.class, "readsPastTheRecord");
        VerifierException e = assertThrows(VerifierException.class, () -> new Kernels(p).close());
        assertEquals("LineInfoKernelTest.readsPastTheRecord(LineInfoKernelTest.java:24)", e.sourcePosition().orElseThrow(),
                e.getMessage());
        // The kernel printed the lines itself, from the line_info: "; <text>" (6.1), "; <text> @ <file>:<line>" (6.18).
        assertTrue(e.log().contains("; LineInfoKernelTest.readsPastTheRecord(LineInfoKernelTest.java:24)"), e.log());
        assertTrue(e.log().contains("; LineInfoKernelTest.readsPastTheRecord(LineInfoKernelTest.java:22)"), e.log());
    }

    @Test
    void aProgramWithLinesLoads() {
        try (Kernels k = new Kernels(BpfCompiler.create().compile(Programs.class, "udpPorts"))) {
            assertTrue(k.program.fd() > 0);
        }
    }
}
