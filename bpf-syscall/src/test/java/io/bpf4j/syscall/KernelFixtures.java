package io.bpf4j.syscall;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.bpf4j.syscall.testing.KernelFds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small helpers shared by the kernel tests: libc calls through JNA, byte encodings, fd counts. */
final class KernelFixtures {
    private KernelFixtures() {
    }

    /** Direct-mapped libc functions the tests call to trigger probes. */
    static final class Libc {
        static {
            Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int getppid();

        static native int getpid();

        static native long strlen(String s);

        static native int abs(int x);

        static native long labs(long x);

        private Libc() {
        }
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    static long asU64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
    }

    static int asU32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
    }

    static int tgid() {
        return (int) ProcessHandle.current().pid();
    }

    /** Open fds of kernel objects (the JVM opens others, such as jar files, lazily). */
    static long openFds() {
        return KernelFds.count();
    }
}
