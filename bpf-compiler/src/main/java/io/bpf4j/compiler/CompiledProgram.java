package io.bpf4j.compiler;

import io.bpf4j.core.Program;
import java.util.List;

/**
 * A Java method compiled to BPF: the program, the maps it refers to by name, and for each
 * instruction the Java line it came from. Loading is the caller's (bpf-syscall), so compiling
 * makes no system call.
 *
 * <pre>{@code
 * CompiledProgram c = BpfCompiler.create().compile(ExecCounter.class, "onExec");
 * c.kind();                 // TRACEPOINT
 * c.maps();                 // [MapDef[name=execs_by_uid, kind=HASH, ...]]
 * c.program().slotCount();  // instructions, counted as the kernel counts them
 * c.lineOf(3);              // the Java line instruction 3 came from
 * }</pre>
 *
 * @param name the program's name: the method's name, cut to the kernel's 15 bytes
 * @param kind the program type, from the method's context parameter
 * @param program the instructions
 * @param maps the maps the program refers to
 * @param sourceFile the class's source file ({@code MyProbe.java}), or null
 * @param lines per instruction of {@code program.instructions()}, its Java line (0 if none)
 * @param stackBytes bytes of BPF stack the program uses (at most 512)
 */
public record CompiledProgram(String name, ProgramKind kind, Program program, List<MapDef> maps, String sourceFile,
                              List<Integer> lines, int stackBytes) {
    public CompiledProgram {
        maps = List.copyOf(maps);
        lines = List.copyOf(lines);
        if (lines.size() != program.instructions().size()) {
            throw new IllegalArgumentException("lines: " + lines.size() + " entries for "
                    + program.instructions().size() + " instructions");
        }
    }

    /** The Java line instruction {@code index} (of {@code program().instructions()}) came from, or 0. */
    public int lineOf(int index) {
        return lines.get(index);
    }

    /** The program's listing, each instruction with its Java line. */
    public String listing() {
        StringBuilder b = new StringBuilder();
        List<io.bpf4j.core.Instruction> insns = program.instructions();
        int last = -1;
        for (int i = 0; i < insns.size(); i++) {
            int line = lines.get(i);
            if (line != last && line > 0) {
                b.append("; ").append(sourceFile).append(':').append(line).append('\n');
                last = line;
            }
            b.append("  ").append(io.bpf4j.core.Disassembler.format(insns.get(i))).append('\n');
        }
        return b.toString();
    }
}
