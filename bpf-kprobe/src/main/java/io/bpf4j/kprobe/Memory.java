package io.bpf4j.kprobe;

import io.bpf4j.core.Helper;

/**
 * Which address space a pointer points into, and so which {@code probe_read} helper reads it:
 * user memory (a syscall's {@code const char __user *filename}, any uprobe argument) or kernel
 * memory ({@code struct filename *}, {@code task_struct} fields).
 *
 * <pre>{@code
 * Memory.USER.readHelper();        // PROBE_READ_USER
 * Memory.KERNEL.readStringHelper(); // PROBE_READ_KERNEL_STR
 * }</pre>
 */
public enum Memory {
    /** User-space memory of the current process. */
    USER(Helper.PROBE_READ_USER, Helper.PROBE_READ_USER_STR),
    /** Kernel memory. */
    KERNEL(Helper.PROBE_READ_KERNEL, Helper.PROBE_READ_KERNEL_STR);

    private final Helper read;
    private final Helper readString;

    Memory(Helper read, Helper readString) {
        this.read = read;
        this.readString = readString;
    }

    /** {@code bpf_probe_read_user} or {@code bpf_probe_read_kernel}. */
    public Helper readHelper() {
        return read;
    }

    /** {@code bpf_probe_read_user_str} or {@code bpf_probe_read_kernel_str}. */
    public Helper readStringHelper() {
        return readString;
    }
}
