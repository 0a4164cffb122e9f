package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.core.attach.AttachKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's "Verification" block, in Java. */
class LabVerificationTest {
    @Test
    void eventIsFortyBytesWithTheLabsOffsets() {
        assertEquals(40, LabExecTracer.EXEC.size());
        assertEquals(0, LabExecTracer.EXEC.offset("timestamp"));
        assertEquals(8, LabExecTracer.EXEC.offset("pid"));
        assertEquals(24, LabExecTracer.EXEC.offset("comm"));
    }

    @Test
    void prologueOfR9AndR7IsTwoInstructions() {
        assertEquals(2, Prologue.of(Reg.R9, Reg.R7).size());
    }

    @Test
    void execTracerAssemblesToMoreThanOneHundredBytes() {
        for (Architecture a : List.of(Architectures.current(), PrologueTest.ARM64)) {
            ProbeProgram p = LabExecTracer.build(a, MapReference.named("exec_events"));
            byte[] code = p.bytecode();
            assertTrue(code.length > 100, a.name() + ": " + code.length + " bytes");
            assertEquals(0, code.length % 8);
            assertEquals(AttachKind.KPROBE, p.kind());
        }
    }

    @Test
    void printsTheCurrentArchitectureAndItsArgumentZeroOffset() {
        Architecture a = Architectures.current();
        System.out.println("Architecture: " + a.name());
        System.out.println("Arg0 offset: " + a.argOffset(0));
        assertEquals(a.argOffset(0), ((io.bpf4j.core.LoadInsn) Prologue.of(Reg.R9, Reg.R7).get(1)).off());
    }
}
