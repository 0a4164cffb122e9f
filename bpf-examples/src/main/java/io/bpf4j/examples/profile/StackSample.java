package io.bpf4j.examples.profile;

/**
 * One entry of the counts map, its stacks read from the stack map: raw addresses, leaf first.
 *
 * <pre>{@code
 * new StackSample(4242, "java", new long[] {0x7f00_0000_1234L}, new long[0], StackSample.NOT_COLLECTED, 17);
 * }</pre>
 *
 * @param pid the process (tgid)
 * @param comm the thread's name when sampled
 * @param user user stack, leaf first (empty when none)
 * @param kernel kernel stack, leaf first (empty when none)
 * @param userId the user stack id (negative: the errno of a failed walk, or {@link #NOT_COLLECTED})
 * @param kernelId the kernel stack id (same convention)
 * @param count samples
 */
public record StackSample(int pid, String comm, long[] user, long[] kernel, int userId, int kernelId, long count) {
    /** The id stored when a stack kind was not collected ({@code -U} or {@code -K}). */
    public static final int NOT_COLLECTED = -1;
    /** {@code -EFAULT}: no stack of that kind (a user stack of a kernel thread; a kernel stack of a sample taken in user mode). */
    public static final int EFAULT = -14;
    /** {@code -EEXIST}: a stack-map collision, the stack is lost. */
    public static final int EEXIST = -17;
    /** {@code -ENOMEM}: the stack map is full, the stack is lost. */
    public static final int ENOMEM = -12;

    /** True if the user stack was lost (collision or full map) rather than absent. */
    public boolean userLost() {
        return userId == EEXIST || userId == ENOMEM;
    }

    /** True if the kernel stack was lost (collision or full map) rather than absent. */
    public boolean kernelLost() {
        return kernelId == EEXIST || kernelId == ENOMEM;
    }
}
