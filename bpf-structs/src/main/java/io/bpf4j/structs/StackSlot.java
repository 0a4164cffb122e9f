package io.bpf4j.structs;

import io.bpf4j.core.AluInsn;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.EmitsInstructions;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;

import java.util.List;

/**
 * A struct placed on the BPF stack at {@code r10 + offset()} (offset negative, 8-byte aligned).
 * Created by {@link StructLayout#onStack()}, which checks that it fits the 512-byte frame; the
 * codegen methods are those of {@link StructLayout} with r10 as the base.
 *
 * <pre>{@code
 * StackSlot key = KEY.onStack();              // r10 - 16
 * b.append(key.zero())
 *  .append(key.store("pid", Reg.R6))
 *  .append(key.addressOf(Reg.R2));            // r2 = r10 - 16, the key pointer for map_lookup_elem
 * StackSlot scratch = EXEC.onStack(key.bytesUsed());   // below the key
 * }</pre>
 *
 * @param layout the struct
 * @param offset its start relative to r10 (negative)
 */
@EmitsInstructions
public record StackSlot(StructLayout layout, int offset) {
    public StackSlot {
        if (layout == null) {
            throw new IllegalArgumentException("stack slot: layout missing");
        }
        if (offset >= 0 || offset % 8 != 0 || -offset < layout.size()) {
            throw new IllegalArgumentException("stack slot for " + layout.name() + ": offset " + offset
                    + " must be negative, a multiple of 8 and leave room for " + layout.size() + " bytes under r10");
        }
        if (-offset > StructLayout.BPF_STACK_SIZE) {
            throw new IllegalArgumentException(layout.name() + " at r10" + offset + " reaches " + -offset
                    + " bytes below the frame pointer: the BPF stack holds " + StructLayout.BPF_STACK_SIZE);
        }
    }

    static StackSlot allocate(StructLayout l, int used) {
        if (used < 0) {
            throw new IllegalArgumentException(l.name() + ": bytes already used on the stack " + used + " is negative");
        }
        long aligned = (l.size() + 7L) & ~7L;
        long below = ((used + 7L) & ~7L) + aligned;
        if (below > StructLayout.BPF_STACK_SIZE) {
            throw new IllegalArgumentException(l.name() + " is " + l.size() + " bytes"
                    + (used > 0 ? " and " + used + " bytes of the stack are already used" : "")
                    + ": it does not fit the " + StructLayout.BPF_STACK_SIZE + "-byte BPF stack"
                    + "; build it in a ring-buffer record or a per-CPU array map value instead");
        }
        return new StackSlot(l, (int) -below);
    }

    /** Bytes of stack from r10 down to the end of this slot: pass to the next {@code onStack}. */
    public int bytesUsed() {
        return -offset;
    }

    /** {@code *(width *)(r10 + offset + offset(field)) = value}. */
    public Instruction store(String field, Reg value) {
        return FieldCode.store(layout, field, Reg.R10, offset, value, null);
    }

    /** {@code *(width *)(r10 + offset + offset(field)) = imm}. */
    public Instruction storeImm(String field, long imm) {
        return FieldCode.storeImm(layout, field, Reg.R10, offset, imm);
    }

    /** {@code dst = *(width *)(r10 + offset + offset(field))}, zero-extended. */
    public Instruction load(Reg dst, String field) {
        return FieldCode.load(layout, dst, Reg.R10, offset, field, false);
    }

    /** Zero stores over the whole slot (stack memory must be written before a helper reads it). */
    public List<Instruction> zero() {
        return FieldCode.zero(layout, Reg.R10, offset, 0, layout.size());
    }

    /** {@code dst = r10 + offset}: the struct's address. */
    public List<Instruction> addressOf(Reg dst) {
        return List.of(new AluInsn(AluOp.MOV, true, dst, Reg.R10, 0), new AluInsn(AluOp.ADD, true, dst, null, offset));
    }

    /** {@code dst = r10 + offset + offset(field)}: a field's address. */
    public List<Instruction> addressOf(Reg dst, String field) {
        return List.of(new AluInsn(AluOp.MOV, true, dst, Reg.R10, 0),
                new AluInsn(AluOp.ADD, true, dst, null, offset + layout.offset(field)));
    }
}
