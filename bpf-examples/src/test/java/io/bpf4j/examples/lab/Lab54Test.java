package io.bpf4j.examples.lab;

import static io.bpf4j.core.Reg.R0;
import static io.bpf4j.core.Reg.R1;
import static io.bpf4j.core.Reg.R2;
import static io.bpf4j.core.Reg.R6;
import static io.bpf4j.core.Reg.R7;
import static io.bpf4j.core.Reg.R8;
import static io.bpf4j.core.Reg.R9;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Disassembler;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.arch.Architectures;
import io.bpf4j.kprobe.Kprobe;
import io.bpf4j.kprobe.ProbeProgram;
import io.bpf4j.kprobe.Prologue;
import io.bpf4j.structs.Field;
import io.bpf4j.structs.StructLayout;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lab 5.4, Parts 1 to 3 and the verification block, in Java. The tagged regions are the code
 * blocks of docs/lab-5-4-in-java.md ({@code LabDocTest} checks they match); the tests run them.
 * Nothing here needs the kernel: building programs is pure Java.
 */
class Lab54Test {
    // tag::task1_1[]
    static final StructLayout PROCESS_EXEC_EVENT = StructLayout.builder("ProcessExecEvent")
            .u64("timestamp")     // when the event occurred
            .u32("pid")           // process ID
            .u32("tgid")          // thread group ID
            .u32("uid")           // user ID
            .u32("ppid")          // parent process ID
            .chars("comm", 16)    // command name
            .build();
    // end::task1_1[]

    @Test
    void task1_2_queryTheStructure() {
        StructLayout event = PROCESS_EXEC_EVENT;
        // tag::task1_2[]
        assertEquals(40, event.size());
        assertEquals(0, event.offset("timestamp"));
        assertEquals(8, event.offset("pid"));
        assertEquals(24, event.offset("comm"));

        List<String> fields = event.fields().stream().map(Field::name).collect(Collectors.toList());
        assertEquals(List.of("timestamp", "pid", "tgid", "uid", "ppid", "comm"), fields);
        // end::task1_2[]
    }

    // tag::task2_1[]
    static List<Instruction> buildExecTracerPrologue(Architecture arch) {
        // do_execveat_common(int fd, struct filename *filename, argv, envp, int flags):
        // save the pt_regs pointer in r9, read argument 1 (filename) into r7.
        return Prologue.of(arch, R9, Map.of(1, R7));
    }
    // end::task2_1[]

    @Test
    void task2_1_prologueSavesContextAndLoadsFilename() {
        List<Instruction> p = buildExecTracerPrologue(Architectures.byName("x86_64").orElseThrow());
        assertEquals(List.of("r9 = r1", "r7 = *(u64 *)(r9 +104)"), text(p));   // si: argument 1 on x86_64
        List<Instruction> arm = buildExecTracerPrologue(Architectures.byName("arm64").orElseThrow());
        assertEquals(List.of("r9 = r1", "r7 = *(u64 *)(r9 +8)"), text(arm));    // regs[1]
    }

    // tag::task2_2[]
    static byte[] buildExecTracer(MapReference ringbuf) {
        StructLayout e = PROCESS_EXEC_EVENT;
        return Program.builder()
                // === Prologue: r9 = pt_regs, r7 = filename ===
                .append(buildExecTracerPrologue(Architectures.current()))
                // === Timestamp ===
                .ktimeGetNs()
                .mov(R8, R0)                                  // save the timestamp in r8
                // === PID (low 32 bits) and TGID (high 32 bits), kept on the stack ===
                .getCurrentPidTgid(R1, R2)
                .stxw(Reg.R10, -8, R1)
                .stxw(Reg.R10, -4, R2)
                // === UID (low 32 bits of uid_gid) ===
                .getCurrentUidGid(R1, null)
                .stxw(Reg.R10, -12, R1)
                // === Reserve ring buffer space; NULL means it is full ===
                .ringbufReserve(ringbuf, e.size())
                .jeq(R0, 0, "out")
                .mov(R6, R0)                                  // r6 = the event
                // === Fill the event structure ===
                .append(e.store("timestamp", R6, R8))
                .ldxw(R1, Reg.R10, -8).append(e.store("pid", R6, R1))
                .ldxw(R1, Reg.R10, -4).append(e.store("tgid", R6, R1))
                .ldxw(R1, Reg.R10, -12).append(e.store("uid", R6, R1))
                .append(e.storeImm("ppid", R6, 0))           // the parent comes in Challenge 3
                .getCurrentComm(R6, e.offset("comm"), 16)
                // === Submit the event ===
                .ringbufSubmit(R6, 0)
                // === Exit ===
                .label("out")
                .mov(R0, 0)
                .exit()
                .build()
                .assemble();
    }
    // end::task2_2[]

    // tag::task3_1[]
    static ProbeProgram execEntryHandler(MapReference ringbuf) {
        return Kprobe.entry("do_execveat_common")
                .context(R9)
                .arg(1, R7)                                   // filename in r7
                // The body; the prologue is generated for the host's architecture.
                .body(b -> sendExecEvent(b, ringbuf))
                .build();
    }

    /** The lab's event, filled in and sent: a body any probe type can use. */
    static void sendExecEvent(ProgramBuilder b, MapReference ringbuf) {
        StructLayout e = PROCESS_EXEC_EVENT;
        b.ringbufReserve(ringbuf, e.size())
                .jeq(R0, 0, "out")
                .mov(R6, R0)
                .ktimeGetNs().append(e.store("timestamp", R6, R0))
                .getCurrentPidTgid(R1, R2)
                .append(e.store("pid", R6, R1))
                .append(e.store("tgid", R6, R2))
                .getCurrentUidGid(R1, null).append(e.store("uid", R6, R1))
                .append(e.storeImm("ppid", R6, 0))
                .getCurrentComm(R6, e.offset("comm"), 16)
                .ringbufSubmit(R6, 0)
                .label("out")
                .mov(R0, 0)
                .exit();
    }
    // end::task3_1[]

    // tag::task3_2[]
    static ProbeProgram execReturnHandler(MapReference failures) {
        return Kprobe.ret("do_execveat_common")
                .returnValue(R6)                              // return value in r6
                .body(b -> b
                        .jsge(R6, 0, "success")               // 0: exec worked
                        // Failure: count it in failures[0], an array map of one u64.
                        .ldMapValue(R1, failures, 0)
                        .mov(R2, 1)
                        .atomicAdd64(R1, 0, R2)
                        .label("success")
                        .mov(R0, 0)
                        .exit())
                .build();
    }
    // end::task3_2[]

    @Test
    void task3_macrosBuildTheSameKindOfProgram() {
        ProbeProgram entry = execEntryHandler(MapReference.named("exec_events"));
        assertEquals("kprobe:do_execveat_common", entry.target().toString());
        List<String> listing = text(entry.program().instructions());
        assertEquals("r9 = r1", listing.get(0));                      // the generated prologue
        assertTrue(listing.get(1).startsWith("r7 = *(u64 *)(r9 +"), listing.get(1));
        ProbeProgram exit = execReturnHandler(MapReference.named("exec_failures"));
        assertTrue(exit.kind().isReturn());
    }

    @Test
    void verification() {
        // tag::verification[]
        // 1. Check the structure's size
        assertEquals(40, PROCESS_EXEC_EVENT.size());

        // 2. Check the prologue: mov + ldx
        List<Instruction> prologue = Prologue.of(Architectures.current(), R9, R7);
        assertEquals(2, prologue.size());

        // 3. Build the program and check its size
        byte[] prog = buildExecTracer(MapReference.named("exec_events"));
        assertTrue(prog.length > 100);                        // many instructions, 8 bytes each

        // 4. Architecture detection
        Architecture arch = Architectures.current();
        System.out.println("Architecture: " + arch.name());
        System.out.println("Arg0 offset: " + arch.argOffset(0));   // 112 (di) on x86_64
        // end::verification[]
    }

    private static List<String> text(List<Instruction> insns) {
        return insns.stream().map(Disassembler::format).collect(Collectors.toList());
    }
}
