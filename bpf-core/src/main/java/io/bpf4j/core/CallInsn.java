package io.bpf4j.core;

/**
 * {@code call}: a helper by number (source 0), a bpf-to-bpf call to another function of the
 * program (source 1, {@code BPF_PSEUDO_CALL}, imm = offset from the next instruction, usually
 * given as a label), or a kernel function by BTF id (source 2, {@code BPF_PSEUDO_KFUNC_CALL},
 * {@code off} = index of the module BTF fd in {@code fd_array}, 0 for vmlinux).
 *
 * <pre>{@code
 * CallInsn.helper(Helper.KTIME_GET_NS);    // call bpf_ktime_get_ns#5
 * CallInsn.local("handle_event");          // call pc+N, resolved at assembly
 * CallInsn.kfunc(12345, 0);                // call kernel-function#12345
 * }</pre>
 *
 * @param type helper, local function or kfunc
 * @param imm helper number, call offset or BTF id
 * @param off module BTF index for kfuncs; 0 otherwise
 * @param label target function label for local calls, or null
 */
public record CallInsn(Type type, int imm, int off, String label) implements Instruction {
    /** What a call targets; the ordinal is the source register value. */
    public enum Type { HELPER, LOCAL, KFUNC }

    public CallInsn {
        if (type == null) {
            throw new IllegalArgumentException("call: target type missing");
        }
        if (type != Type.LOCAL && label != null) {
            throw new IllegalArgumentException("call: only local (bpf-to-bpf) calls take a label, found '" + label + "'");
        }
        if (type != Type.KFUNC && off != 0) {
            throw new IllegalArgumentException("call: off " + off + " is only meaningful for kfuncs: expected 0");
        }
        Checks.s16(off, "call");
    }

    /** A helper call. */
    public static CallInsn helper(Helper helper) {
        return new CallInsn(Type.HELPER, helper.number(), 0, null);
    }

    /** A bpf-to-bpf call to the function starting at {@code label}. */
    public static CallInsn local(String label) {
        return new CallInsn(Type.LOCAL, 0, 0, label);
    }

    /** A kfunc call by BTF id, in vmlinux ({@code moduleIndex} 0) or a module's BTF. */
    public static CallInsn kfunc(int btfId, int moduleIndex) {
        return new CallInsn(Type.KFUNC, btfId, moduleIndex, null);
    }

    @Override
    public Kind kind() {
        return Kind.CALL;
    }

    @Override
    public int opcode() {
        return 0x80 | CLASS_JMP;
    }

    @Override
    public String target() {
        return label;
    }
}
