package io.bpf4j.kprobe;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.ProgramBuilder;
import io.bpf4j.core.Reg;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Tracepoint programs: r1 is the tracepoint's record, laid out as its {@code format} file says.
 * The builder saves r1 into the context register, loads the fields named with
 * {@link #field(String, Reg)}, and hands the body a {@link TracepointContext} for reading more
 * fields by name. The layout comes from {@link #format(TracepointFormat)}, or is read from tracefs
 * ({@code /sys/kernel/tracing}, else {@code /sys/kernel/debug/tracing}) when the program is built.
 *
 * <pre>{@code
 * ProbeProgram p = TracepointProbe.of("sched", "sched_process_exec")
 *         .field("pid", Reg.R6)                                    // r6 = ctx->pid
 *         .body((b, ctx) -> b
 *                 .append(ctx.readString("filename", Reg.R10, -256, 256))
 *                 .mov64(Reg.R0, 0).exit())
 *         .build();
 * p.target().programType();   // TRACEPOINT
 * }</pre>
 */
@EmitsInstructions
public final class TracepointProbe extends ProbeBuilder<TracepointProbe> {
    /** Where tracefs is usually mounted, in the order they are tried. */
    static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final String category;
    private final String event;
    private final Map<String, Reg> fields = new LinkedHashMap<>();
    private TracepointFormat format;
    private BiConsumer<ProgramBuilder, TracepointContext> contextBody;

    private TracepointProbe(String category, String event) {
        super(AttachPoint.tracepoint(category, event), event);
        this.category = category;
        this.event = event;
    }

    /** A program on tracepoint {@code category/event} ({@code "sched", "sched_process_exec"}). */
    public static TracepointProbe of(String category, String event) {
        return new TracepointProbe(category, event);
    }

    /** The record layout, instead of reading it from tracefs (for another kernel, or a test). */
    public TracepointProbe format(TracepointFormat format) {
        if (format == null) {
            throw new IllegalArgumentException("tracepoint format missing");
        }
        this.format = format;
        return this;
    }

    /** Loads field {@code name} (1, 2, 4 or 8 bytes) into {@code reg} right after the prologue. */
    public TracepointProbe field(String name, Reg reg) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("field name missing");
        }
        if (fields.containsKey(name)) {
            throw new IllegalArgumentException("field '" + name + "' is loaded twice");
        }
        fields.put(name, reg);
        return this;
    }

    /** The body, given the context layout to read further fields by name. */
    public TracepointProbe body(BiConsumer<ProgramBuilder, TracepointContext> body) {
        if (body == null) {
            throw new IllegalArgumentException("body missing");
        }
        this.contextBody = body;
        return body(b -> contextBody.accept(b, new TracepointContext(resolvedFormat(), context)));
    }

    /** The layout: the one given, else the running kernel's from tracefs. */
    public TracepointFormat resolvedFormat() {
        if (format == null) {
            format = load(category, event);
        }
        return format;
    }

    /** Reads {@code events/<category>/<event>/format} from the mounted tracefs. */
    static TracepointFormat load(String category, String event) {
        for (Path root : TRACEFS) {
            Path file = root.resolve("events").resolve(category).resolve(event).resolve("format");
            if (Files.isReadable(file)) {
                try {
                    return TracepointFormat.load(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException("tracepoint " + category + "/" + event + ": no readable format file under "
                + TRACEFS + " (tracefs not mounted, not root, or no such tracepoint); pass .format(...) instead");
    }

    /** The record is read by the format file's offsets: no pt_regs, no architecture plugin needed. */
    @Override
    boolean readsRegisters() {
        return false;
    }

    @Override
    List<Instruction> prologue(Architecture a) {
        Prologue.checkContext(context);
        List<Instruction> out = new ArrayList<>(fields.size() + 1);
        if (context != Reg.R1) {
            out.add(new AluInsn(AluOp.MOV, true, context, Reg.R1, 0));
        }
        if (fields.isEmpty()) {
            return Collections.unmodifiableList(out);
        }
        TracepointContext ctx = new TracepointContext(resolvedFormat(), context);
        Map<Reg, String> seen = new EnumMap<>(Reg.class);
        for (Map.Entry<String, Reg> e : fields.entrySet()) {
            Map<Integer, Reg> one = Map.of(-1, e.getValue());
            Prologue.checkArgs(a, context, one, "field '" + e.getKey() + "'", false);
            String before = seen.put(e.getValue(), e.getKey());
            if (before != null) {
                throw new IllegalArgumentException("field '" + e.getKey() + "' register " + e.getValue()
                        + " already receives field '" + before + "'");
            }
            out.addAll(ctx.load(e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableList(out);
    }
}
