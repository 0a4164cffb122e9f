package io.bpf4j.kprobe;

import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import io.bpf4j.structs.tracepoint.TracepointField;
import io.bpf4j.structs.tracepoint.TracepointFormat;
import io.bpf4j.structs.tracepoint.TracepointReads;
import java.util.List;

/**
 * What a tracepoint program's body knows about its context: the record layout the kernel
 * publishes in the tracepoint's {@code format} file, and the register holding the record's
 * address. Fields are read by name, at the kernel's offsets.
 *
 * <pre>{@code
 * TracepointProbe.of("sched", "sched_process_exec")
 *         .body((b, ctx) -> b
 *                 .append(ctx.load("pid", Reg.R6))                          // r6 = ctx->pid
 *                 .append(ctx.readString("filename", Reg.R10, -256, 256))   // __data_loc string
 *                 .mov64(Reg.R0, 0).exit())
 *         .build();
 * }</pre>
 *
 * @param format the tracepoint's record layout
 * @param register the register holding the record's address (saved from r1 by the prologue)
 */
@EmitsInstructions
public record TracepointContext(TracepointFormat format, Reg register) {
    public TracepointContext {
        if (format == null || register == null) {
            throw new IllegalArgumentException("tracepoint context: format and register are required");
        }
    }

    /** The field called {@code name}, with a message listing the fields when there is none. */
    public TracepointField field(String name) {
        return format.find(name).orElseThrow(() -> new IllegalArgumentException("tracepoint " + format.name()
                + " has no field '" + name + "': its fields are " + names()));
    }

    /** Byte offset of field {@code name} in the record. */
    public int offset(String name) {
        return field(name).offset();
    }

    /** {@code dst = ctx->name}: a 1, 2, 4 or 8-byte field, zero-extended. Uses no other register. */
    public List<Instruction> load(String name, Reg dst) {
        return TracepointReads.load(field(name), register, dst);
    }

    /**
     * Copies the string field {@code name}, a {@code __data_loc char[]} or a fixed
     * {@code char comm[16]}, into {@code buf + bufOffset}, at most {@code maxLen} bytes including the
     * NUL. Clobbers r0..r5; r0 = bytes copied or a negative errno.
     *
     * @param buf r10 for the stack, or r6..r9 holding a record pointer
     */
    public List<Instruction> readString(String name, Reg buf, int bufOffset, int maxLen) {
        return TracepointReads.readString(field(name), register, buf, bufOffset, maxLen);
    }

    private List<String> names() {
        return format.fields().stream().map(TracepointField::name).collect(java.util.stream.Collectors.toList());
    }
}
