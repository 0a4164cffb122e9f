package io.bpf4j.syscall.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.EpollEvents;
import io.bpf4j.syscall.Errno;
import io.bpf4j.syscall.Kernel;
import io.bpf4j.syscall.KernelCall;
import io.bpf4j.syscall.MappedRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * The JNA implementation of {@link Kernel}: direct-mapped libc functions ({@code syscall},
 * {@code ioctl}, {@code mmap}, …), attrs written into a per-thread scratch block (no JNA
 * {@code Structure}), errno read with {@link Native#getLastError()} (no exception on the
 * native side), so a failed lookup costs no allocation.
 */
public final class SystemKernel implements Kernel {
    private static volatile SystemKernel instance;

    /** Scratch size: the largest attr (perf_event_attr, 128) plus room for names and paths. */
    private static final int SCRATCH = 8192;
    /** O_DIRECTORY differs between architectures; a cgroup fd needs none (the kernel checks the fd is a cgroup). */
    private static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    private static final int STRINGS = 512;

    private static final ThreadLocal<Scratch> SCRATCHES = ThreadLocal.withInitial(Scratch::new);

    private final long sysBpf;
    private final long sysPerfEventOpen;

    /** Direct-mapped libc. */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private LibC() {
        }

        static native long syscall(long number, long a1, long a2, long a3, long a4, long a5);

        static native int ioctl(int fd, long request, long arg);

        static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

        static native int munmap(long addr, long length);

        static native int epoll_create1(int flags);

        static native int epoll_ctl(int epfd, int op, int fd, long event);

        static native int epoll_wait(int epfd, long events, int maxEvents, int timeout);

        static native int eventfd(int initval, int flags);

        static native long read(int fd, long buf, long count);

        static native long write(int fd, long buf, long count);

        static native int mount(String source, String target, String fsType, long flags, Pointer data);

        static native int close(int fd);

        static native int sched_getaffinity(int pid, long size, long[] mask);

        static native int sched_setaffinity(int pid, long size, long[] mask);

        static native int if_nametoindex(String name);

        static native int socket(int domain, int type, int protocol);

        static native int bind(int fd, long addr, int len);

        static native long send(int fd, long buf, long len, int flags);

        static native long recv(int fd, long buf, long len, int flags);

        static native int open(String path, int flags);
    }

    /** Per-thread attr block: one native allocation per thread, reused by every call. */
    private static final class Scratch {
        final Memory memory = new Memory(SCRATCH);
        final ByteBuffer buf = memory.getByteBuffer(0, SCRATCH).order(ByteOrder.nativeOrder());
        final long address = Pointer.nativeValue(memory);
        int stringTop;
        /** The last buffer whose address was asked for, so a loop over one buffer allocates nothing. */
        ByteBuffer lastBuffer;
        long lastAddress;

        long addressOf(ByteBuffer b) {
            if (b == null) {
                return 0;
            }
            if (b != lastBuffer) {
                lastAddress = SystemKernel.addressOf(b) - b.position();
                lastBuffer = b;
            }
            return lastAddress + b.position();
        }

        /** Zeroes the attr area and returns its address. */
        long attr(int size) {
            for (int i = 0; i < size; i += 8) {
                buf.putLong(i, 0L);
            }
            stringTop = SCRATCH - STRINGS * 8;
            return address;
        }

        /** Copies a NUL-terminated string into the scratch block and returns its address. */
        long string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (stringTop + b.length + 1 > SCRATCH) {
                throw new IllegalArgumentException("string too long for a kernel call (" + b.length + " bytes): " + s);
            }
            int at = stringTop;
            for (int i = 0; i < b.length; i++) {
                buf.put(at + i, b[i]);
            }
            buf.put(at + b.length, (byte) 0);
            stringTop = (at + b.length + 8) & ~7;
            return address + at;
        }
    }

    private SystemKernel() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            sysBpf = 321;
            sysPerfEventOpen = 298;
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            sysBpf = 280;
            sysPerfEventOpen = 241;
        } else {
            throw new UnsupportedOperationException("bpf4j knows the bpf(2) syscall number for x86_64 and arm64 only, not os.arch="
                    + arch);
        }
    }

    /**
     * The process-wide instance, created on first use.
     *
     * @throws UnsupportedOperationException on an architecture whose syscall numbers bpf4j lacks
     */
    public static SystemKernel instance() {
        SystemKernel k = instance;
        if (k == null) {
            synchronized (SystemKernel.class) {
                k = instance;
                if (k == null) {
                    k = new SystemKernel();
                    instance = k;
                }
            }
        }
        return k;
    }

    /** The address of a direct buffer's current position, or 0 for null. */
    static long addressOf(ByteBuffer b) {
        if (b == null) {
            return 0;
        }
        if (!b.isDirect()) {
            throw new IllegalArgumentException("kernel calls need direct buffers (got a heap buffer)");
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(b)) + b.position();
    }

    private long bpf(int cmd, long attr, int size) {
        return LibC.syscall(sysBpf, cmd, attr, size, 0, 0);
    }

    private static Errno lastErrno() {
        return Errno.of(Native.getLastError());
    }

    private static BpfException fail(int cmd, Errno e) {
        return new BpfException(KernelCall.ofBpfCommand(cmd), "", e, null, null);
    }

    private int bpfOrThrow(int cmd, long attr, int size) {
        long r = bpf(cmd, attr, size);
        if (r < 0) {
            throw fail(cmd, lastErrno());
        }
        return (int) r;
    }

    /** Runs a bpf command; returns false on {@code quietErrno}, throws on any other error. */
    private boolean bpfOrFalse(int cmd, long attr, int size, Errno quietErrno) {
        long r = bpf(cmd, attr, size);
        if (r < 0) {
            Errno e = lastErrno();
            if (e == quietErrno) {
                return false;
            }
            throw fail(cmd, e);
        }
        return true;
    }

    @Override
    public int mapCreate(MapCreateRequest r) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.MAP_CREATE_SIZE);
        ByteBuffer b = s.buf;
        b.putInt(Attr.MAP_CREATE_MAP_TYPE, r.mapType());
        b.putInt(Attr.MAP_CREATE_KEY_SIZE, r.keySize());
        b.putInt(Attr.MAP_CREATE_VALUE_SIZE, r.valueSize());
        b.putInt(Attr.MAP_CREATE_MAX_ENTRIES, r.maxEntries());
        b.putInt(Attr.MAP_CREATE_MAP_FLAGS, r.flags());
        b.putInt(Attr.MAP_CREATE_INNER_MAP_FD, r.innerMapFd());
        putName(b, Attr.MAP_CREATE_MAP_NAME, r.name());
        b.putLong(Attr.MAP_CREATE_MAP_EXTRA, r.mapExtra());
        return bpfOrThrow(Attr.BPF_MAP_CREATE, a, Attr.MAP_CREATE_SIZE);
    }

    private static void putName(ByteBuffer b, int offset, String name) {
        if (name == null) {
            return;
        }
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(bytes.length, Attr.OBJ_NAME_LEN - 1);
        for (int i = 0; i < n; i++) {
            b.put(offset + i, bytes[i]);
        }
    }

    private long elemAttr(Scratch s, int fd, ByteBuffer key, ByteBuffer value, long flags) {
        long a = s.attr(Attr.ELEM_SIZE);
        s.buf.putInt(Attr.ELEM_MAP_FD, fd);
        s.buf.putLong(Attr.ELEM_KEY, addressOf(key));
        s.buf.putLong(Attr.ELEM_VALUE, addressOf(value));
        s.buf.putLong(Attr.ELEM_FLAGS, flags);
        return a;
    }

    @Override
    public boolean mapLookupElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags) {
        Scratch s = SCRATCHES.get();
        return bpfOrFalse(Attr.BPF_MAP_LOOKUP_ELEM, elemAttr(s, mapFd, key, value, flags), Attr.ELEM_SIZE, Errno.ENOENT);
    }

    @Override
    public void mapUpdateElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags) {
        Scratch s = SCRATCHES.get();
        bpfOrThrow(Attr.BPF_MAP_UPDATE_ELEM, elemAttr(s, mapFd, key, value, flags), Attr.ELEM_SIZE);
    }

    @Override
    public boolean mapDeleteElem(int mapFd, ByteBuffer key) {
        Scratch s = SCRATCHES.get();
        return bpfOrFalse(Attr.BPF_MAP_DELETE_ELEM, elemAttr(s, mapFd, key, null, 0), Attr.ELEM_SIZE, Errno.ENOENT);
    }

    @Override
    public boolean mapGetNextKey(int mapFd, ByteBuffer key, ByteBuffer nextKey) {
        Scratch s = SCRATCHES.get();
        return bpfOrFalse(Attr.BPF_MAP_GET_NEXT_KEY, elemAttr(s, mapFd, key, nextKey, 0), Attr.ELEM_SIZE, Errno.ENOENT);
    }

    @Override
    public boolean mapLookupAndDeleteElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags) {
        Scratch s = SCRATCHES.get();
        return bpfOrFalse(Attr.BPF_MAP_LOOKUP_AND_DELETE_ELEM, elemAttr(s, mapFd, key, value, flags), Attr.ELEM_SIZE,
                Errno.ENOENT);
    }

    @Override
    public void mapFreeze(int mapFd) {
        Scratch s = SCRATCHES.get();
        bpfOrThrow(Attr.BPF_MAP_FREEZE, elemAttr(s, mapFd, null, null, 0), Attr.ELEM_SIZE);
    }

    private long batchAttr(Scratch s, int fd, ByteBuffer in, ByteBuffer out, ByteBuffer keys, ByteBuffer values,
                           int count, long elemFlags) {
        long a = s.attr(Attr.BATCH_SIZE);
        ByteBuffer b = s.buf;
        b.putLong(Attr.BATCH_IN_BATCH, addressOf(in));
        b.putLong(Attr.BATCH_OUT_BATCH, addressOf(out));
        b.putLong(Attr.BATCH_KEYS, addressOf(keys));
        b.putLong(Attr.BATCH_VALUES, addressOf(values));
        b.putInt(Attr.BATCH_COUNT, count);
        b.putInt(Attr.BATCH_MAP_FD, fd);
        b.putLong(Attr.BATCH_ELEM_FLAGS, elemFlags);
        return a;
    }

    @Override
    public BatchResult mapLookupBatch(int mapFd, ByteBuffer inBatch, ByteBuffer outBatch, ByteBuffer keys,
                                      ByteBuffer values, int count, long elemFlags, boolean delete) {
        Scratch s = SCRATCHES.get();
        int cmd = delete ? Attr.BPF_MAP_LOOKUP_AND_DELETE_BATCH : Attr.BPF_MAP_LOOKUP_BATCH;
        long a = batchAttr(s, mapFd, inBatch, outBatch, keys, values, count, elemFlags);
        long r = bpf(cmd, a, Attr.BATCH_SIZE);
        int done = s.buf.getInt(Attr.BATCH_COUNT);
        if (r < 0) {
            Errno e = lastErrno();
            if (e == Errno.ENOENT) {
                return new BatchResult(done, true);
            }
            throw fail(cmd, e);
        }
        return new BatchResult(done, false);
    }

    @Override
    public int mapUpdateBatch(int mapFd, ByteBuffer keys, ByteBuffer values, int count, long elemFlags) {
        Scratch s = SCRATCHES.get();
        long a = batchAttr(s, mapFd, null, null, keys, values, count, elemFlags);
        bpfOrThrow(Attr.BPF_MAP_UPDATE_BATCH, a, Attr.BATCH_SIZE);
        return s.buf.getInt(Attr.BATCH_COUNT);
    }

    @Override
    public int mapDeleteBatch(int mapFd, ByteBuffer keys, int count, long elemFlags) {
        Scratch s = SCRATCHES.get();
        long a = batchAttr(s, mapFd, null, null, keys, null, count, elemFlags);
        bpfOrThrow(Attr.BPF_MAP_DELETE_BATCH, a, Attr.BATCH_SIZE);
        return s.buf.getInt(Attr.BATCH_COUNT);
    }

    @Override
    public ProgLoadResult progLoad(ProgLoadRequest r) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.PROG_LOAD_SIZE);
        ByteBuffer b = s.buf;
        b.putInt(Attr.PROG_LOAD_PROG_TYPE, r.progType());
        b.putInt(Attr.PROG_LOAD_INSN_CNT, r.insns().remaining() / 8);
        b.putLong(Attr.PROG_LOAD_INSNS, addressOf(r.insns()));
        b.putLong(Attr.PROG_LOAD_LICENSE, s.string(r.license() == null ? "" : r.license()));
        b.putInt(Attr.PROG_LOAD_LOG_LEVEL, r.logLevel());
        if (r.logBuf() != null) {
            b.putInt(Attr.PROG_LOAD_LOG_SIZE, r.logBuf().remaining());
            b.putLong(Attr.PROG_LOAD_LOG_BUF, addressOf(r.logBuf()));
        }
        b.putInt(Attr.PROG_LOAD_KERN_VERSION, r.kernVersion());
        b.putInt(Attr.PROG_LOAD_PROG_FLAGS, r.progFlags());
        putName(b, Attr.PROG_LOAD_PROG_NAME, r.name());
        b.putInt(Attr.PROG_LOAD_EXPECTED_ATTACH_TYPE, r.expectedAttachType());
        b.putInt(Attr.PROG_LOAD_PROG_BTF_FD, r.progBtfFd());
        if (r.funcInfo() != null) {
            b.putInt(Attr.PROG_LOAD_FUNC_INFO_REC_SIZE, ProgLoadRequest.FUNC_INFO_REC_SIZE);
            b.putLong(Attr.PROG_LOAD_FUNC_INFO, addressOf(r.funcInfo()));
            b.putInt(Attr.PROG_LOAD_FUNC_INFO_CNT, r.funcInfoCount());
        }
        if (r.lineInfo() != null) {
            b.putInt(Attr.PROG_LOAD_LINE_INFO_REC_SIZE, ProgLoadRequest.LINE_INFO_REC_SIZE);
            b.putLong(Attr.PROG_LOAD_LINE_INFO, addressOf(r.lineInfo()));
            b.putInt(Attr.PROG_LOAD_LINE_INFO_CNT, r.lineInfoCount());
        }
        b.putInt(Attr.PROG_LOAD_ATTACH_BTF_ID, r.attachBtfId());
        b.putInt(Attr.PROG_LOAD_ATTACH_BTF_OBJ_FD, r.attachBtfObjFd());
        long fd = bpf(Attr.BPF_PROG_LOAD, a, Attr.PROG_LOAD_SIZE);
        int trueSize = b.getInt(Attr.PROG_LOAD_LOG_TRUE_SIZE);
        if (fd < 0) {
            return new ProgLoadResult(-1, lastErrno(), trueSize);
        }
        return new ProgLoadResult((int) fd, null, trueSize);
    }

    @Override
    public ProgTestRunResult progTestRun(int progFd, ProgTestRunRequest r) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.TEST_SIZE);
        ByteBuffer b = s.buf;
        b.putInt(Attr.TEST_PROG_FD, progFd);
        if (r.dataIn() != null) {
            b.putInt(Attr.TEST_DATA_SIZE_IN, r.dataIn().remaining());
            b.putLong(Attr.TEST_DATA_IN, addressOf(r.dataIn()));
        }
        if (r.dataOut() != null) {
            b.putInt(Attr.TEST_DATA_SIZE_OUT, r.dataOut().remaining());
            b.putLong(Attr.TEST_DATA_OUT, addressOf(r.dataOut()));
        }
        b.putInt(Attr.TEST_REPEAT, r.repeat());
        if (r.ctxIn() != null) {
            b.putInt(Attr.TEST_CTX_SIZE_IN, r.ctxIn().remaining());
            b.putLong(Attr.TEST_CTX_IN, addressOf(r.ctxIn()));
        }
        if (r.ctxOut() != null) {
            b.putInt(Attr.TEST_CTX_SIZE_OUT, r.ctxOut().remaining());
            b.putLong(Attr.TEST_CTX_OUT, addressOf(r.ctxOut()));
        }
        b.putInt(Attr.TEST_FLAGS, r.flags());
        b.putInt(Attr.TEST_CPU, r.cpu());
        bpfOrThrow(Attr.BPF_PROG_TEST_RUN, a, Attr.TEST_SIZE);
        return new ProgTestRunResult(b.getInt(Attr.TEST_RETVAL), b.getInt(Attr.TEST_DURATION),
                b.getInt(Attr.TEST_DATA_SIZE_OUT), b.getInt(Attr.TEST_CTX_SIZE_OUT));
    }

    @Override
    public int btfLoad(ByteBuffer btf, ByteBuffer logBuf, int logLevel) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.BTF_LOAD_SIZE);
        ByteBuffer b = s.buf;
        b.putLong(Attr.BTF_LOAD_BTF, addressOf(btf));
        b.putInt(Attr.BTF_LOAD_SIZE_FIELD, btf.remaining());
        if (logBuf != null) {
            b.putLong(Attr.BTF_LOAD_LOG_BUF, addressOf(logBuf));
            b.putInt(Attr.BTF_LOAD_LOG_SIZE, logBuf.remaining());
            b.putInt(Attr.BTF_LOAD_LOG_LEVEL, logLevel);
        }
        return bpfOrThrow(Attr.BPF_BTF_LOAD, a, Attr.BTF_LOAD_SIZE);
    }

    @Override
    public int progTestRunContext(int progFd, ByteBuffer ctx) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.TEST_SIZE);
        ByteBuffer b = s.buf;
        b.putInt(Attr.TEST_PROG_FD, progFd);
        b.putInt(Attr.TEST_CTX_SIZE_IN, ctx.remaining());
        b.putLong(Attr.TEST_CTX_IN, s.addressOf(ctx));
        bpfOrThrow(Attr.BPF_PROG_TEST_RUN, a, Attr.TEST_SIZE);
        return b.getInt(Attr.TEST_RETVAL);
    }

    @Override
    public void objPin(int fd, String path) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.OBJ_SIZE);
        s.buf.putLong(Attr.OBJ_PATHNAME, s.string(path));
        s.buf.putInt(Attr.OBJ_BPF_FD, fd);
        long r = bpf(Attr.BPF_OBJ_PIN, a, Attr.OBJ_SIZE);
        if (r < 0) {
            Errno e = lastErrno();
            throw new BpfException("BPF_OBJ_PIN " + path, e, pinHint(e));
        }
    }

    private static String pinHint(Errno e) {
        switch (e) {
            case EEXIST: return "something is already pinned there; unpin it first";
            case EPERM: return "the path must be inside a bpf filesystem (mount -t bpf bpf /sys/fs/bpf); needs root or CAP_BPF";
            case ENOENT: return "no such pin (or its directory does not exist)";
            default: return null;
        }
    }

    @Override
    public int objGet(String path, int fileFlags) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.OBJ_SIZE);
        s.buf.putLong(Attr.OBJ_PATHNAME, s.string(path));
        s.buf.putInt(Attr.OBJ_FILE_FLAGS, fileFlags);
        long r = bpf(Attr.BPF_OBJ_GET, a, Attr.OBJ_SIZE);
        if (r < 0) {
            Errno e = lastErrno();
            throw new BpfException("BPF_OBJ_GET " + path, e, pinHint(e));
        }
        return (int) r;
    }

    @Override
    public int objGetInfoByFd(int fd, ByteBuffer info) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.INFO_SIZE);
        s.buf.putInt(Attr.INFO_BPF_FD, fd);
        s.buf.putInt(Attr.INFO_INFO_LEN, info.remaining());
        s.buf.putLong(Attr.INFO_INFO, addressOf(info));
        bpfOrThrow(Attr.BPF_OBJ_GET_INFO_BY_FD, a, Attr.INFO_SIZE);
        return s.buf.getInt(Attr.INFO_INFO_LEN);
    }

    @Override
    public int rawTracepointOpen(String name, int progFd) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.RAW_TP_SIZE);
        // No name: a program loaded with an attach_btf_id (fentry, fexit, LSM) goes where that id says.
        s.buf.putLong(Attr.RAW_TP_NAME, name == null ? 0 : s.string(name));
        s.buf.putInt(Attr.RAW_TP_PROG_FD, progFd);
        long r = bpf(Attr.BPF_RAW_TRACEPOINT_OPEN, a, Attr.RAW_TP_SIZE);
        if (r < 0) {
            Errno e = lastErrno();
            throw new BpfException("BPF_RAW_TRACEPOINT_OPEN " + name, e,
                    e == Errno.ENOENT ? "no raw tracepoint named '" + name + "' in this kernel (see <tracefs>/available_events)" : null);
        }
        return (int) r;
    }

    @Override
    public int linkCreate(int progFd, int targetFd, int attachType, int flags, long cookie) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.LINK_CREATE_SIZE);
        s.buf.putInt(Attr.LINK_CREATE_PROG_FD, progFd);
        s.buf.putInt(Attr.LINK_CREATE_TARGET_FD, targetFd);
        s.buf.putInt(Attr.LINK_CREATE_ATTACH_TYPE, attachType);
        s.buf.putInt(Attr.LINK_CREATE_FLAGS, flags);
        s.buf.putLong(Attr.LINK_CREATE_PERF_EVENT_BPF_COOKIE, cookie);
        return bpfOrThrow(Attr.BPF_LINK_CREATE, a, Attr.LINK_CREATE_SIZE);
    }

    @Override
    public int linkCreate(LinkCreateRequest r) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.LINK_CREATE_TCX_SIZE);
        s.buf.putInt(Attr.LINK_CREATE_PROG_FD, r.progFd());
        s.buf.putInt(Attr.LINK_CREATE_TARGET_FD, r.target());
        s.buf.putInt(Attr.LINK_CREATE_ATTACH_TYPE, r.attachType());
        s.buf.putInt(Attr.LINK_CREATE_FLAGS, r.flags());
        s.buf.putInt(Attr.LINK_CREATE_TCX_RELATIVE, r.relative());
        s.buf.putLong(Attr.LINK_CREATE_TCX_EXPECTED_REVISION, r.expectedRevision());
        // Only tcx reads past the first union word: a shorter attr keeps older kernels' size check happy.
        boolean tcx = r.relative() != 0 || r.expectedRevision() != 0;
        return bpfOrThrow(Attr.BPF_LINK_CREATE, a, tcx ? Attr.LINK_CREATE_TCX_SIZE : Attr.LINK_CREATE_SIZE);
    }

    @Override
    public void progAttach(int targetFd, int progFd, int attachType, int flags) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.PROG_ATTACH_SIZE);
        s.buf.putInt(Attr.PROG_ATTACH_TARGET_FD, targetFd);
        s.buf.putInt(Attr.PROG_ATTACH_BPF_FD, progFd);
        s.buf.putInt(Attr.PROG_ATTACH_TYPE, attachType);
        s.buf.putInt(Attr.PROG_ATTACH_FLAGS, flags);
        bpfOrThrow(Attr.BPF_PROG_ATTACH, a, Attr.PROG_ATTACH_SIZE);
    }

    @Override
    public void progDetach(int targetFd, int progFd, int attachType) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.PROG_ATTACH_SIZE);
        s.buf.putInt(Attr.PROG_ATTACH_TARGET_FD, targetFd);
        s.buf.putInt(Attr.PROG_ATTACH_BPF_FD, progFd);
        s.buf.putInt(Attr.PROG_ATTACH_TYPE, attachType);
        bpfOrThrow(Attr.BPF_PROG_DETACH, a, Attr.PROG_ATTACH_SIZE);
    }

    @Override
    public int linkGetNextId(int startId) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.GET_ID_SIZE);
        s.buf.putInt(Attr.GET_ID_START_ID, startId);
        if (bpf(Attr.BPF_LINK_GET_NEXT_ID, a, Attr.GET_ID_SIZE) < 0) {
            Errno e = lastErrno();
            if (e == Errno.ENOENT) {
                return 0;
            }
            throw fail(Attr.BPF_LINK_GET_NEXT_ID, e);
        }
        return s.buf.getInt(Attr.GET_ID_NEXT_ID);
    }

    @Override
    public int linkGetFdById(int id) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.GET_ID_SIZE);
        s.buf.putInt(Attr.GET_ID_START_ID, id);
        return bpfOrThrow(Attr.BPF_LINK_GET_FD_BY_ID, a, Attr.GET_ID_SIZE);
    }

    @Override
    public int progGetFdById(int id) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.GET_ID_SIZE);
        s.buf.putInt(Attr.GET_ID_START_ID, id);
        return bpfOrThrow(Attr.BPF_PROG_GET_FD_BY_ID, a, Attr.GET_ID_SIZE);
    }

    @Override
    public void linkUpdate(int linkFd, int newProgFd, int oldProgFd) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.LINK_UPDATE_SIZE);
        s.buf.putInt(Attr.LINK_UPDATE_LINK_FD, linkFd);
        s.buf.putInt(Attr.LINK_UPDATE_NEW_PROG_FD, newProgFd);
        s.buf.putInt(Attr.LINK_UPDATE_FLAGS, oldProgFd != 0 ? Attr.F_REPLACE : 0);
        s.buf.putInt(Attr.LINK_UPDATE_OLD_PROG_FD, oldProgFd);
        bpfOrThrow(Attr.BPF_LINK_UPDATE, a, Attr.LINK_UPDATE_SIZE);
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        int fd = LibC.socket(domain, type, protocol);
        if (fd < 0) {
            throw new BpfException("socket(" + domain + ", " + type + ", " + protocol + ")", lastErrno(), null);
        }
        return fd;
    }

    @Override
    public void bind(int fd, ByteBuffer address) {
        if (LibC.bind(fd, addressOf(address), address.remaining()) != 0) {
            throw new BpfException("bind", lastErrno(), null);
        }
    }

    @Override
    public int send(int fd, ByteBuffer message) {
        long n = LibC.send(fd, addressOf(message), message.remaining(), 0);
        if (n < 0) {
            throw new BpfException("send", lastErrno(), null);
        }
        return (int) n;
    }

    @Override
    public int recv(int fd, ByteBuffer buffer) {
        while (true) {
            long n = LibC.recv(fd, addressOf(buffer), buffer.remaining(), 0);
            if (n >= 0) {
                return (int) n;
            }
            Errno e = lastErrno();
            if (e != Errno.EINTR) {
                throw new BpfException("recv", e, null);
            }
        }
    }

    @Override
    public int interfaceIndex(String name) {
        // 0 with ENODEV for a missing interface; the caller words the error.
        return LibC.if_nametoindex(name);
    }

    @Override
    public int openDirectory(Path path) {
        int fd = LibC.open(path.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new BpfException("open " + path, lastErrno(), null);
        }
        return fd;
    }

    @Override
    public int perfEventOpen(PerfEventAttr attr, int pid, int cpu, int groupFd, long flags) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(Attr.PERF_ATTR_SIZE);
        ByteBuffer b = s.buf;
        b.putInt(Attr.PERF_TYPE, attr.type());
        b.putInt(Attr.PERF_SIZE, Attr.PERF_ATTR_SIZE);
        b.putLong(Attr.PERF_CONFIG, attr.config());
        b.putLong(Attr.PERF_SAMPLE_PERIOD, attr.samplePeriodOrFreq());
        b.putLong(Attr.PERF_SAMPLE_TYPE, attr.sampleType());
        b.putLong(Attr.PERF_FLAGS, attr.flagBits());
        b.putInt(Attr.PERF_WAKEUP_EVENTS, attr.wakeupEvents());
        b.putLong(Attr.PERF_CONFIG1, attr.probePath() != null ? s.string(attr.probePath()) : attr.config1());
        b.putLong(Attr.PERF_CONFIG2, attr.config2());
        long r = LibC.syscall(sysPerfEventOpen, a, pid, cpu, groupFd, flags);
        if (r < 0) {
            throw new BpfException("perf_event_open", lastErrno(), null);
        }
        return (int) r;
    }

    @Override
    public int ioctl(int fd, long request, long arg) {
        int r = LibC.ioctl(fd, request, arg);
        if (r < 0) {
            throw new BpfException("ioctl(0x" + Long.toHexString(request) + ")", lastErrno(), null);
        }
        return r;
    }

    @Override
    public MappedRegion mmap(long length, int prot, int flags, int fd, long offset) {
        long addr = LibC.mmap(0, length, prot, flags, fd, offset);
        if (addr == -1L) {
            Errno e = lastErrno();
            throw new BpfException("mmap", e, e == Errno.EPERM || e == Errno.EACCES
                    ? "this region cannot be mapped with the requested protection (a ring buffer's data pages are read-only)"
                    : null);
        }
        ByteBuffer view = new Pointer(addr).getByteBuffer(0, length).order(ByteOrder.nativeOrder());
        if ((prot & PROT_WRITE) == 0) {
            view = view.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        }
        return new MappedRegion(addr, length, view);
    }

    @Override
    public void munmap(MappedRegion region) {
        if (LibC.munmap(region.address(), region.length()) < 0) {
            throw new BpfException("munmap", lastErrno(), null);
        }
    }

    @Override
    public int epollCreate1(int flags) {
        int r = LibC.epoll_create1(flags);
        if (r < 0) {
            throw new BpfException("epoll_create1", lastErrno(), null);
        }
        return r;
    }

    @Override
    public void epollCtl(int epfd, int op, int fd, int events, long data) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(16);
        EpollLayout.write(s.buf, events, data);
        if (LibC.epoll_ctl(epfd, op, fd, a) < 0) {
            throw new BpfException("epoll_ctl", lastErrno(), null);
        }
    }

    @Override
    public int epollWait(int epfd, EpollEvents events, int timeoutMillis) {
        int r = LibC.epoll_wait(epfd, events.address(), events.capacity(), timeoutMillis);
        if (r < 0) {
            Errno e = lastErrno();
            if (e == Errno.EINTR) {
                return 0;
            }
            throw new BpfException("epoll_wait", e, null);
        }
        return r;
    }

    @Override
    public int eventfd(int initialValue, int flags) {
        int r = LibC.eventfd(initialValue, flags);
        if (r < 0) {
            throw new BpfException("eventfd", lastErrno(), null);
        }
        return r;
    }

    @Override
    public void eventfdWrite(int fd, long value) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(8);
        s.buf.putLong(0, value);
        if (LibC.write(fd, a, 8) < 0) {
            throw new BpfException("write(eventfd)", lastErrno(), null);
        }
    }

    @Override
    public long eventfdRead(int fd) {
        Scratch s = SCRATCHES.get();
        long a = s.attr(8);
        if (LibC.read(fd, a, 8) < 0) {
            Errno e = lastErrno();
            if (e == Errno.EAGAIN) {
                return 0;
            }
            throw new BpfException("read(eventfd)", e, null);
        }
        return s.buf.getLong(0);
    }

    /** glibc's cpu_set_t: 1024 CPUs as 16 longs (the kernel takes any size covering its CPUs). */
    private static final int CPU_SET_LONGS = 16;

    @Override
    public int[] threadAffinity() {
        long[] mask = new long[CPU_SET_LONGS];
        if (LibC.sched_getaffinity(0, CPU_SET_LONGS * 8L, mask) != 0) {
            throw new BpfException("sched_getaffinity", lastErrno(), null);
        }
        return IntStream.range(0, CPU_SET_LONGS * 64)
                .filter(c -> (mask[c >>> 6] & (1L << c)) != 0).toArray();
    }

    @Override
    public void setThreadAffinity(int[] cpus) {
        long[] mask = new long[CPU_SET_LONGS];
        for (int c : cpus) {
            if (c < 0 || c >= CPU_SET_LONGS * 64) {
                throw new IllegalArgumentException("CPU " + c + ": not between 0 and " + (CPU_SET_LONGS * 64 - 1));
            }
            mask[c >>> 6] |= 1L << c;
        }
        if (LibC.sched_setaffinity(0, CPU_SET_LONGS * 8L, mask) != 0) {
            Errno e = lastErrno();
            throw new BpfException("sched_setaffinity", e, e == Errno.EINVAL
                    ? "none of the CPUs is online and allowed to this thread (its cgroup's cpuset limits them)" : null);
        }
    }

    @Override
    public void mount(String source, String target, String fsType, long flags) {
        if (LibC.mount(source, target, fsType, flags, null) < 0) {
            throw new BpfException("mount -t " + fsType + " " + source + " " + target, lastErrno(), null);
        }
    }

    @Override
    public void close(int fd) {
        if (LibC.close(fd) < 0) {
            Errno e = lastErrno();
            // EINTR on close on Linux: the fd is released anyway; retrying would close a reused fd.
            if (e != Errno.EINTR) {
                throw new BpfException("close(" + fd + ")", e, null);
            }
        }
    }

    /** {@code struct epoll_event}: packed on x86_64. */
    static final class EpollLayout {
        private EpollLayout() {
        }

        static void write(ByteBuffer b, int events, long data) {
            b.putInt(0, events);
            b.putLong(EpollEvents.STRIDE == 12 ? 4 : 8, data);
        }
    }

    @Override
    public PathKind pathKind(Path path) {
        if (Files.isDirectory(path)) {
            return PathKind.DIRECTORY;
        }
        if (Files.exists(path)) {
            return PathKind.FILE;
        }
        // Neither exists nor provably absent: stat failed for another reason (EACCES on the way).
        return Files.notExists(path) ? PathKind.MISSING : PathKind.NOT_ACCESSIBLE;
    }

    @Override
    public String readFile(Path path) throws IOException {
        return PseudoFiles.read(path);
    }

    @Override
    public byte[] readBinaryFile(Path path) throws IOException {
        return Files.readAllBytes(path);
    }

    @Override
    public void appendFile(Path path, String text) throws IOException {
        PseudoFiles.append(path, text);
    }
}
