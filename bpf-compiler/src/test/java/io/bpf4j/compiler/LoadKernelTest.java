package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.testing.KernelTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every acceptance program passes this kernel's verifier. */
@KernelTest
class LoadKernelTest {
    @ParameterizedTest
    @ValueSource(strings = {"onExec", "countExec", "countExecTest", "udpPorts", "latencyEntry", "latencyReturn",
            "latencyTest", "lastSlashTest"})
    void loadsThroughTheVerifier(String method) {
        CompiledProgram p = BpfCompiler.create().compile(Programs.class, method);
        System.out.println(method + ": " + p.program().slotCount() + " instructions, " + p.stackBytes() + " stack bytes\n"
                + p.listing());
        try (Kernels k = new Kernels(p)) {
            assertTrue(k.program.fd() > 0);
        }
    }
}
