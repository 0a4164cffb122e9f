package io.bpf4j.structs.btf;

/**
 * A BTF blob is malformed: wrong magic, a section or record past the end, a type id out of range,
 * an unknown kind, a type chain that loops. Every problem found in BTF data, at load time or when
 * a type is decoded later, is reported with this one exception and the byte offset (from the start
 * of the blob) where it was found.
 *
 * <pre>{@code
 * try {
 *     Btf.parse(bytes);
 * } catch (BtfFormatException e) {
 *     System.err.println("bad BTF at byte " + e.offset() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public final class BtfFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /** A problem at byte {@code offset} of the blob. */
    public BtfFormatException(long offset, String problem) {
        super("malformed BTF at byte " + offset + ": " + problem);
        this.offset = offset;
    }

    /** Byte offset in the blob where the problem was found. */
    public long offset() {
        return offset;
    }
}
