package io.bpf4j.ringbuf.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.MappedRegion;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;

/**
 * A read-only mapping whose buffers may outlive it (a handler kept a record view): closing does
 * not unmap it but {@linkplain #retire() retires} it, replacing the pages in place with
 * read-only zero pages; the address range is given back only when no buffer over it is left.
 *
 * <p>Why that is safe: every buffer sliced, duplicated or made read-only from a direct buffer
 * keeps a reference to the buffer at the root of that chain (the JDK's {@code DirectByteBuffer}
 * "attachment"; a {@code MemorySegment.ofBuffer} keeps it too). This class makes that root
 * itself, over the mapping's address, and hands out only buffers derived from it; so once the
 * root is unreachable no view of the range exists, and a cleaner registered on it may
 * unmap the range. Until then a kept view reads the ring (while open) or zeros (once retired),
 * never unmapped memory and never another mapping placed at the same address.
 *
 * <pre>{@code
 * RetiringMapping m = RetiringMapping.over(kernel, kernel.mmap(len, Kernel.PROT_READ, Kernel.MAP_SHARED, fd, page));
 * ByteBuffer data = m.buffer();   // views of it may be kept by anyone
 * m.retire();                     // now they read zeros; unmapped when the last one is collected
 * }</pre>
 *
 * Only with {@link Kernel#system()}: another kernel (a test fake) does not map real pages, so
 * there the region's own buffer is used and retiring simply unmaps it through that kernel.
 */
public final class RetiringMapping {
    private static final Logger LOG = Logs.get(RetiringMapping.class);

    // include/uapi/asm-generic/mman-common.h and mman.h (the same values on x86_64 and arm64).
    private static final int PROT_READ = 0x1;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long MAP_FAILED = -1L;

    /** Direct-mapped libc: the two calls {@link Kernel} has no form for (a fixed address, an anonymous map). */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private LibC() {
        }

        static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

        static native int munmap(long addr, long length);
    }

    /**
     * What the cleaner and {@link #retire} share; never refers to the root buffer. The cleaner
     * runs only for a real mapping, when the root is unreachable: then no buffer over the range
     * exists (retired or not: a reader dropped without close), and the range is given back.
     */
    private static final class State implements Runnable {
        final Kernel kernel;
        final MappedRegion region;
        final boolean real;
        boolean retired;
        boolean unmapped;

        State(Kernel kernel, MappedRegion region, boolean real) {
            this.kernel = kernel;
            this.region = region;
            this.real = real;
        }

        @Override
        public synchronized void run() {
            if (unmapped) {
                return;
            }
            unmapped = true;
            if (LibC.munmap(region.address(), region.length()) != 0) {
                LOG.warn("unmapping a ring-buffer range at 0x{} ({} bytes) failed: {}", Long.toHexString(region.address()),
                        region.length(), Errno.of(Native.getLastError()));
            }
        }
    }

    private final State state;
    private final ByteBuffer root;
    private final ByteBuffer readOnly;

    private RetiringMapping(State state, ByteBuffer root, ByteBuffer readOnly) {
        this.state = state;
        this.root = root;
        this.readOnly = readOnly;
        if (state.real) {
            LeakGuard.CLEANER.register(root, state);
        }
    }

    /** Takes over {@code region} (mapped read-only by {@code kernel}); from now on only this object unmaps it. */
    public static RetiringMapping over(Kernel kernel, MappedRegion region) {
        boolean real = kernel == Kernel.system();
        if (!real) {
            return new RetiringMapping(new State(kernel, region, false), region.buffer(), region.buffer());
        }
        if (region.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mapping of " + region.length() + " bytes: too large for a ByteBuffer");
        }
        // A fresh root: JNI's NewDirectByteBuffer has no attachment, so everything derived from it points here.
        ByteBuffer root = new Pointer(region.address()).getByteBuffer(0, region.length()).order(ByteOrder.nativeOrder());
        return new RetiringMapping(new State(kernel, region, true), root, root.asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
    }

    /** The mapping, read-only, native order; views of it may be kept past {@link #retire}. */
    public ByteBuffer buffer() {
        return readOnly;
    }

    /**
     * Replaces the pages with read-only zero pages at the same address, in one step (a reader
     * of a kept view sees the old bytes or zeros, never a hole); the range is unmapped once no
     * buffer over it is reachable. With a non-system kernel: unmaps through it. Idempotent.
     */
    public void retire() {
        State s = state;
        synchronized (s) {
            if (s.retired || s.unmapped) {
                return;
            }
            s.retired = true;
            if (!s.real) {
                s.unmapped = true;
                s.kernel.munmap(s.region);
                return;
            }
            try {
                long addr = LibC.mmap(s.region.address(), s.region.length(), PROT_READ,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
                if (addr == MAP_FAILED) {
                    // The ring stays mapped (still safe to read) until the views are gone.
                    throw new BpfException("mmap", Errno.of(Native.getLastError()),
                            "replacing a closed ring buffer's pages with zero pages failed; they stay mapped until"
                                    + " no record view is left");
                }
            } finally {
                // The root must stay reachable until the range is replaced: otherwise the cleaner
                // could unmap it first and MAP_FIXED would land on whatever the range holds next.
                Reference.reachabilityFence(root);
            }
        }
    }

    /** True once retired or unmapped. */
    public boolean isRetired() {
        synchronized (state) {
            return state.retired || state.unmapped;
        }
    }
}
