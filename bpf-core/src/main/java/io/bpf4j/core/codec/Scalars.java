package io.bpf4j.core.codec;

import java.nio.ByteBuffer;

/** The codecs behind {@link Codec#u32()}, {@link Codec#u64()} and {@link Codec#bytes(int)}. */
final class Scalars {
    private Scalars() {
    }

    static final Codec<Integer> U32 = new Codec<>() {
        @Override
        public int size() {
            return 4;
        }

        @Override
        public Integer decode(ByteBuffer buf, int offset) {
            return buf.getInt(offset);
        }

        @Override
        public void encode(Integer value, ByteBuffer buf, int offset) {
            buf.putInt(offset, value);
        }

        @Override
        public String toString() {
            return "Codec.u32()";
        }
    };

    static final Codec<Long> U64 = new Codec<>() {
        @Override
        public int size() {
            return 8;
        }

        @Override
        public Long decode(ByteBuffer buf, int offset) {
            return buf.getLong(offset);
        }

        @Override
        public void encode(Long value, ByteBuffer buf, int offset) {
            buf.putLong(offset, value);
        }

        @Override
        public String toString() {
            return "Codec.u64()";
        }
    };

    /** Fixed-length raw bytes. */
    static final class Bytes implements Codec<byte[]> {
        private final int length;

        Bytes(int length) {
            if (length < 1) {
                throw new IllegalArgumentException("Codec.bytes(" + length + "): expected a length of at least 1 byte");
            }
            this.length = length;
        }

        @Override
        public int size() {
            return length;
        }

        @Override
        public byte[] decode(ByteBuffer buf, int offset) {
            byte[] b = new byte[length];
            buf.get(offset, b, 0, length);
            return b;
        }

        @Override
        public void encode(byte[] value, ByteBuffer buf, int offset) {
            if (value.length != length) {
                throw new IllegalArgumentException("Codec.bytes(" + length + "): cannot encode " + value.length
                        + " bytes: expected exactly " + length);
            }
            buf.put(offset, value, 0, length);
        }

        @Override
        public String toString() {
            return "Codec.bytes(" + length + ")";
        }
    }
}
