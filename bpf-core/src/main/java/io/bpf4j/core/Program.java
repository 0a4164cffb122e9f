package io.bpf4j.core;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * An immutable BPF program: a list of instructions (labels included) and, when they were
 * recorded, the Java source position that appended each one.
 *
 * <pre>{@code
 * Program p = Program.builder()
 *         .mov64(Reg.R0, 0)
 *         .exit()
 *         .build();
 * byte[] bytecode = p.assemble();              // host byte order
 * byte[] be = p.assemble(ByteOrder.BIG_ENDIAN); // for a big-endian target
 * }</pre>
 */
public final class Program {
    private final List<Instruction> instructions;
    private final SourcePosition[] positions;
    /**
     * Kinds and resolved jump targets, computed at the first assembly: derived from the immutable
     * instructions alone (never the bytes, which depend on byte order). Racy single-check: every
     * field of {@link Assembler.Resolved} is final, so a thread sees it whole or computes its own.
     */
    private Assembler.Resolved resolved;

    Program(List<Instruction> instructions, SourcePosition[] positions) {
        this.instructions = instructions;
        this.positions = positions;
    }

    /** A program of these instructions (labels included), without source positions. */
    public static Program of(List<? extends Instruction> instructions) {
        return new Program(Collections.unmodifiableList(new ArrayList<>(instructions)), null);
    }

    /**
     * A program of these instructions with, for each, where in the source it came from (null where
     * unknown): a compiler's line table, carried to the kernel as BTF {@code line_info} by the loader
     * and named by verifier errors.
     *
     * @throws IllegalArgumentException if the two lists differ in length
     */
    public static Program of(List<? extends Instruction> instructions, List<SourcePosition> positions) {
        if (positions.size() != instructions.size()) {
            throw new IllegalArgumentException("positions: " + positions.size() + " for " + instructions.size()
                    + " instructions: expected one per instruction");
        }
        return new Program(Collections.unmodifiableList(new ArrayList<>(instructions)),
                positions.toArray(new SourcePosition[0]));
    }

    /** A new fluent builder. */
    public static ProgramBuilder builder() {
        return new ProgramBuilder();
    }

    /** The instructions, labels included, in order. */
    public List<Instruction> instructions() {
        return instructions;
    }

    /** Where instruction {@code index} was appended, if source positions were recorded. */
    public Optional<SourcePosition> sourcePosition(int index) {
        if (positions == null || index < 0 || index >= positions.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(positions[index]);
    }

    /** True if this program carries source positions. */
    public boolean hasSourcePositions() {
        return positions != null;
    }

    /** Assembles in host byte order, widening far conditional jumps. */
    public byte[] assemble() {
        return assemble(ByteOrder.nativeOrder());
    }

    /** Assembles in {@code order}, widening far conditional jumps. */
    public byte[] assemble(ByteOrder order) {
        try {
            return Assembler.bytes(this, order, true, true);
        } catch (AssemblyException e) {
            throw withPosition(e);
        }
    }

    /** The same error, with the Java line that appended the instruction when positions were recorded. */
    private AssemblyException withPosition(AssemblyException e) {
        Optional<SourcePosition> pos = sourcePosition(e.instruction());
        if (pos.isEmpty() || e.getMessage().contains(" (appended at ")) {
            return e;
        }
        SourcePosition p = pos.get();
        AssemblyException out = new AssemblyException(e.index(), e.instruction(), e.label(), e.getMessage()
                + " (appended at " + (p.file() == null ? p.className() : p.file() + ":" + p.line()) + ")");
        out.initCause(e);
        return out;
    }

    Assembler.Resolved resolved() {
        Assembler.Resolved r = resolved;
        if (r == null) {
            r = Assembler.resolve(instructions);
            resolved = r;
        }
        return r;
    }

    /**
     * Assembles and keeps the instruction-to-slot map.
     *
     * @param order byte order of the target
     * @param widenFarJumps if false, a conditional jump beyond 16 bits is an error instead of
     *                      becoming {@code if !cond goto +1; gotol target}
     * @throws AssemblyException naming the instruction index and label at fault
     */
    public AssembledProgram assembleDetailed(ByteOrder order, boolean widenFarJumps) {
        try {
            return Assembler.assemble(this, order, widenFarJumps, true);
        } catch (AssemblyException e) {
            throw withPosition(e);
        }
    }

    /** Names of the maps the program refers to through {@code ld_imm64} symbols, in order of first use. */
    public Set<String> mapNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Instruction in : instructions) {
            if (in instanceof LoadImm64Insn) {
                LoadImm64Insn l = (LoadImm64Insn) in;
                if (l.source().isMap() && l.symbol() != null) {
                    names.add(l.symbol());
                }
            }
        }
        return names;
    }

    /**
     * A copy with every map symbol replaced by the fd {@code fdOf} gives (a negative answer leaves
     * the instruction alone). For {@code MAP_VALUE} the value offset in the upper half is kept.
     */
    public Program withMapFds(ToIntFunction<String> fdOf) {
        List<Instruction> out = new ArrayList<>(instructions.size());
        for (Instruction in : instructions) {
            if (in instanceof LoadImm64Insn) {
                LoadImm64Insn l = (LoadImm64Insn) in;
                if (l.source().isMap() && l.symbol() != null) {
                    int fd = fdOf.applyAsInt(l.symbol());
                    if (fd >= 0) {
                        in = l.withImm((l.imm() & 0xffff_ffff_0000_0000L) | (fd & 0xffff_ffffL));
                    }
                }
            }
            out.add(in);
        }
        return new Program(Collections.unmodifiableList(out), positions);
    }

    /** Number of 8-byte slots before any jump widening. */
    public int slotCount() {
        int slots = 0;
        for (Instruction in : instructions) {
            slots += in.slots();
        }
        return slots;
    }

    /** The labels, in order of appearance. */
    public List<String> labels() {
        return Assembler.labelsOf(instructions);
    }

    @Override
    public String toString() {
        return "Program[" + instructions.size() + " instructions, " + slotCount() + " slots]";
    }
}
