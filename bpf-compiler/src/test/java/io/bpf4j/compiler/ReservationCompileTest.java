package io.bpf4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.compiler.Reserved.Sample;
import io.bpf4j.core.Disassembler;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the verifier would refuse about a reservation, the compiler refuses first, naming the file
 * and line: a use before the NULL check, a use after submit or discard, a path that returns
 * holding it; and, which the verifier would let through, a submit with a field never set.
 */
class ReservationCompileTest {
    static final RingBuffer<Sample> RING = Reserved.SAMPLES;

    // tag::refused[]
    static int noNullCheck(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        e.set(Sample::seq, 1);                                          // line 26
        e.discard();
        return 0;
    }

    static int usedAfterSubmit(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        if (e == null) {
            return 0;
        }
        e.discard();
        e.set(Sample::seq, 1);                                          // line 37
        return 0;
    }

    static int leaksOnOnePath(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        if (e == null) {
            return 0;
        }
        if (ctx.u32(0) == 7) {
            return 1;                                                   // line 47
        }
        e.discard();
        return 0;
    }

    static int fieldNotSet(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        if (e == null) {
            return 0;
        }
        e.set(Sample::seq, 1);
        e.set(Sample::value, 2);
        e.submit();                                                     // line 60
        return 0;
    }
    // end::refused[]
    static int submittedTwice(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        if (e == null) {
            return 0;
        }
        e.discard();
        if (ctx.u32(0) == 1) {
            e.discard();                                                // line 71
        }
        return 0;
    }

    static int openOnSomePaths(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        if (e == null) {
            return 0;
        }
        if (ctx.u32(0) == 1) {
            e.discard();
        }
        e.set(Sample::seq, 1);                                          // line 84
        return 0;
    }

    static int reservedInALoop(SyscallContext ctx) {
        for (int i = 0; i < 4; i++) {                                 // line 89
            Reservation<Sample> e = RING.reserve();
            if (e == null) {
                return 0;
            }
        }
        return 0;
    }

    static int notAnAccessor(SyscallContext ctx) {
        Reservation<Sample> e = RING.reserve();
        if (e == null) {
            return 0;
        }
        e.set((Sample s) -> s.value() + 1, 5);                          // line 103
        e.discard();
        return 0;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "noNullCheck      | 26 | may be null here",
        "usedAfterSubmit  | 37 | is discarded at line 36 here",
        "leaksOnOnePath   | 47 | is still open when the program returns here",
        "fieldNotSet      | 60 | Sample.kind, Sample.sum, Sample.tag are not set on every path",
        "submittedTwice   | 71 | is discarded at line 69 here",
        "openOnSomePaths  | 84 | discarded at line 82 on one path and open on another",
        "reservedInALoop  | 89 | where it jumps back",
        "notAnAccessor    | 103 | method reference to the record's accessor",
    })
    void refusesWithFileAndLine(String method, int line, String words) {
        CompileException e = assertThrows(CompileException.class,
                () -> BpfCompiler.create().compile(ReservationCompileTest.class, method));
        assertEquals("ReservationCompileTest.java", e.file(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    private static List<String> text(CompiledProgram p) {
        return p.program().instructions().stream().map(Disassembler::format).collect(Collectors.toList());
    }

    @Test
    void helperResultsAreWrittenStraightIntoTheReservedRecord() {
        CompiledProgram p = BpfCompiler.create().compile(Programs.class, "onExecReserved");
        List<String> t = text(p);
        assertTrue(t.stream().anyMatch(x -> x.contains("ringbuf_reserve")), p.listing());
        assertTrue(t.stream().noneMatch(x -> x.contains("ringbuf_output")), p.listing());
        // comm goes to the record, not to the stack: no 16-byte copy, only the task-path scratch slot
        assertTrue(p.stackBytes() <= 8, p.stackBytes() + " bytes of stack\n" + p.listing());
    }

    @Test
    void paddingIsZeroedBeforeSubmit() {
        CompiledProgram p = BpfCompiler.create().compile(Reserved.class, "sample");
        List<String> t = text(p);
        // kind is the byte at 12: bytes 13, 14..15 are padding
        assertTrue(t.stream().anyMatch(x -> x.matches("\\*\\(u8 \\*\\)\\(r\\d \\+13\\) = 0")), p.listing());
        assertTrue(t.stream().anyMatch(x -> x.matches("\\*\\(u16 \\*\\)\\(r\\d \\+14\\) = 0")), p.listing());
    }

    @Test
    void anEarlyEndWhileReservedDiscardsTheRecordFirst() {
        CompiledProgram p = BpfCompiler.create().compile(Reserved.class, "indexWhileReserved");
        assertTrue(text(p).stream().anyMatch(x -> x.contains("ringbuf_discard")), p.listing());
    }
}
