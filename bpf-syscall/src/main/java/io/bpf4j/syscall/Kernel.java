package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.SystemKernel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Every kernel call bpf4j makes, one method per {@code bpf(2)} command used, plus
 * {@code perf_event_open(2)}, {@code ioctl}, {@code mmap}/{@code munmap}, {@code epoll_*},
 * {@code eventfd}, {@code mount}, {@code close}, {@code sched_{get,set}affinity}, the socket calls rtnetlink needs, {@code if_nametoindex}
 * and {@code open} of a cgroup directory, and every read of the files the kernel
 * publishes about itself ({@code /proc}, {@code /sys}, tracefs). {@link #system()} is the JNA implementation;
 * unit tests use a fake of the same interface ({@code io.bpf4j.syscall.testing.FakeKernel} in
 * this module's test-jar) so map and program logic is tested without root.
 *
 * <p>Conventions: buffers passed in must be direct; the call uses the bytes from
 * {@code position()} to {@code limit()} and never moves the position. A failure throws
 * {@link BpfException} naming the command and the errno, except where the method documents an
 * expected outcome (ENOENT from a lookup is {@code false}).
 *
 * <pre>{@code
 * Kernel k = Kernel.system();
 * int fd = k.mapCreate(new Kernel.MapCreateRequest(MapType.RINGBUF.code(), 0, 0, 1 << 20, 0, 0, "events", 0));
 * MappedRegion consumer = k.mmap(4096, Kernel.PROT_READ | Kernel.PROT_WRITE, Kernel.MAP_SHARED, fd, 0);
 * consumer.buffer().getLong(0);
 * k.munmap(consumer);
 * k.close(fd);
 * }</pre>
 */
public interface Kernel {
    /** {@code PROT_READ}. */
    int PROT_READ = 0x1;
    /** {@code PROT_WRITE}. */
    int PROT_WRITE = 0x2;
    /** {@code MAP_SHARED}. */
    int MAP_SHARED = 0x01;
    /** {@code EPOLLIN}. */
    int EPOLLIN = 0x001;
    /** {@code EPOLLERR}. */
    int EPOLLERR = 0x008;
    /** {@code EPOLLHUP}. */
    int EPOLLHUP = 0x010;
    /** {@code EPOLL_CTL_ADD}. */
    int EPOLL_CTL_ADD = 1;
    /** {@code EPOLL_CTL_DEL}. */
    int EPOLL_CTL_DEL = 2;
    /** {@code EPOLL_CTL_MOD}. */
    int EPOLL_CTL_MOD = 3;
    /** {@code EPOLL_CLOEXEC} (= {@code O_CLOEXEC}). */
    int EPOLL_CLOEXEC = 0x80000;
    /** {@code EFD_CLOEXEC}. */
    int EFD_CLOEXEC = 0x80000;
    /** {@code EFD_NONBLOCK}. */
    int EFD_NONBLOCK = 0x800;
    /** {@code PERF_FLAG_FD_CLOEXEC}. */
    long PERF_FLAG_FD_CLOEXEC = 0x8;

    /** The JNA implementation (one per process). */
    static Kernel system() {
        return SystemKernel.instance();
    }

    // ---- bpf(2) ---------------------------------------------------------------------------

    /** {@code BPF_MAP_CREATE}: returns the new map's fd. */
    int mapCreate(MapCreateRequest request);

    /** {@code BPF_MAP_LOOKUP_ELEM}: copies the value into {@code value}; false if the key is absent (ENOENT). */
    boolean mapLookupElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags);

    /** {@code BPF_MAP_UPDATE_ELEM} with {@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST} or {@code BPF_F_LOCK}. */
    void mapUpdateElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags);

    /** {@code BPF_MAP_DELETE_ELEM}: false if the key was absent (ENOENT). */
    boolean mapDeleteElem(int mapFd, ByteBuffer key);

    /** {@code BPF_MAP_GET_NEXT_KEY}: {@code key} null for the first key; false at the end (ENOENT). */
    boolean mapGetNextKey(int mapFd, ByteBuffer key, ByteBuffer nextKey);

    /** {@code BPF_MAP_LOOKUP_AND_DELETE_ELEM} ({@code key} null for queue/stack): false if empty/absent. */
    boolean mapLookupAndDeleteElem(int mapFd, ByteBuffer key, ByteBuffer value, long flags);

    /** {@code BPF_MAP_FREEZE}: user space can no longer write the map. */
    void mapFreeze(int mapFd);

    /**
     * {@code BPF_MAP_LOOKUP_BATCH} or, with {@code delete}, {@code BPF_MAP_LOOKUP_AND_DELETE_BATCH}.
     *
     * @param inBatch the cursor from the previous call, or null to start
     * @param outBatch receives the cursor for the next call
     * @param count capacity in entries of {@code keys} and {@code values}
     */
    BatchResult mapLookupBatch(int mapFd, ByteBuffer inBatch, ByteBuffer outBatch, ByteBuffer keys,
                               ByteBuffer values, int count, long elemFlags, boolean delete);

    /** {@code BPF_MAP_UPDATE_BATCH}: returns the number of entries written. */
    int mapUpdateBatch(int mapFd, ByteBuffer keys, ByteBuffer values, int count, long elemFlags);

    /** {@code BPF_MAP_DELETE_BATCH}: returns the number of entries deleted. */
    int mapDeleteBatch(int mapFd, ByteBuffer keys, int count, long elemFlags);

    /** {@code BPF_PROG_LOAD}: never throws for an errno; the result carries it with the log's true size. */
    ProgLoadResult progLoad(ProgLoadRequest request);

    /** {@code BPF_PROG_TEST_RUN}. */
    ProgTestRunResult progTestRun(int progFd, ProgTestRunRequest request);

    /**
     * {@code BPF_BTF_LOAD}: loads type information (here: the {@code FUNC} records a program with
     * subprograms needs for its {@code func_info}); returns the BTF fd.
     *
     * @param btf the raw BTF (header, types, strings), direct buffer
     * @param logBuf direct buffer for the BTF verifier's log, or null
     * @param logLevel 0 for no log, 1 for the log
     */
    int btfLoad(ByteBuffer btf, ByteBuffer logBuf, int logLevel);

    /**
     * {@code BPF_PROG_TEST_RUN} with only a context (direct buffer, its remaining bytes; a
     * {@code SYSCALL} program's context is written back into it); returns the program's return
     * value. The JNA implementation allocates nothing, for producers driven in a loop.
     */
    default int progTestRunContext(int progFd, ByteBuffer ctx) {
        return progTestRun(progFd, new ProgTestRunRequest(null, null, ctx, null, 0, 0, 0)).retval();
    }

    /** {@code BPF_OBJ_PIN}. */
    void objPin(int fd, String path);

    /** {@code BPF_OBJ_GET}: opens a pinned object. */
    int objGet(String path, int fileFlags);

    /** {@code BPF_OBJ_GET_INFO_BY_FD}: fills {@code info}; returns the length the kernel wrote. */
    int objGetInfoByFd(int fd, ByteBuffer info);

    /** {@code BPF_RAW_TRACEPOINT_OPEN}: returns the link fd. */
    int rawTracepointOpen(String name, int progFd);

    /** {@code BPF_LINK_CREATE} (for {@code BPF_PERF_EVENT}, {@code cookie} is {@code perf_event.bpf_cookie}). */
    int linkCreate(int progFd, int targetFd, int attachType, int flags, long cookie);

    /**
     * {@code BPF_LINK_CREATE} on a target named by an fd or an interface index (XDP, tcx, cgroup)
     * or, for programs loaded with an {@code attach_btf_id} (fentry, fexit, LSM), on no target;
     * returns the link fd.
     */
    int linkCreate(LinkCreateRequest request);

    /**
     * {@code BPF_PROG_ATTACH}: the legacy (pre-link) attachment of a program to a cgroup, with
     * {@code BPF_F_ALLOW_OVERRIDE} (1) or {@code BPF_F_ALLOW_MULTI} (2); it outlives the process
     * until {@link #progDetach}.
     */
    void progAttach(int targetFd, int progFd, int attachType, int flags);

    /** {@code BPF_PROG_DETACH}: undoes {@link #progAttach}. */
    void progDetach(int targetFd, int progFd, int attachType);

    /** {@code BPF_LINK_GET_NEXT_ID}: the next link id after {@code startId}, or 0 after the last. */
    int linkGetNextId(int startId);

    /** {@code BPF_LINK_GET_FD_BY_ID}: an fd of the link with {@code id} (to read its info). */
    int linkGetFdById(int id);

    /** {@code BPF_PROG_GET_FD_BY_ID}: an fd of the program with {@code id} (to read its info). */
    int progGetFdById(int id);

    /** {@code BPF_LINK_UPDATE}: puts {@code newProgFd} in place of the link's program ({@code oldProgFd} 0: any). */
    void linkUpdate(int linkFd, int newProgFd, int oldProgFd);

    // ---- other syscalls ---------------------------------------------------------------------

    /** {@code socket(2)} (bpf4j opens {@code AF_NETLINK} sockets to speak rtnetlink); returns the fd. */
    int socket(int domain, int type, int protocol);

    /** {@code bind(2)} to the socket address in {@code address} (a {@code sockaddr_nl}). */
    void bind(int fd, ByteBuffer address);

    /** {@code send(2)} of {@code message}'s remaining bytes (to the kernel, for a netlink socket); returns the bytes sent. */
    int send(int fd, ByteBuffer message);

    /** {@code recv(2)} into {@code buffer}'s remaining room; returns the bytes received. */
    int recv(int fd, ByteBuffer buffer);

    /** {@code if_nametoindex(3)} in the calling thread's network namespace: the index, or 0 when there is no such interface. */
    int interfaceIndex(String name);

    /** {@code open(2)} of a directory ({@code O_RDONLY | O_CLOEXEC}), for a cgroup fd; returns the fd. */
    int openDirectory(Path path);

    /** {@code perf_event_open(2)}. */
    int perfEventOpen(PerfEventAttr attr, int pid, int cpu, int groupFd, long flags);

    /** {@code ioctl(2)} with an integer argument; returns the result. */
    int ioctl(int fd, long request, long arg);

    /** {@code mmap(2)} of a file descriptor; a mapping without PROT_WRITE gives a read-only buffer. */
    MappedRegion mmap(long length, int prot, int flags, int fd, long offset);

    /** {@code munmap(2)}. */
    void munmap(MappedRegion region);

    /** {@code epoll_create1(2)}. */
    int epollCreate1(int flags);

    /** {@code epoll_ctl(2)}: {@code data} comes back in {@link EpollEvents#data(int)}. */
    void epollCtl(int epfd, int op, int fd, int events, long data);

    /**
     * {@code epoll_wait(2)} into a reusable native buffer; allocation-free. Returns the number of
     * ready events, 0 on timeout or when interrupted (EINTR).
     */
    int epollWait(int epfd, EpollEvents events, int timeoutMillis);

    /** {@code eventfd(2)}. */
    int eventfd(int initialValue, int flags);

    /** Adds {@code value} to an eventfd's counter ({@code write(2)} of 8 bytes). */
    void eventfdWrite(int fd, long value);

    /** Reads and resets an eventfd's counter; 0 when it is zero and the fd is non-blocking. */
    long eventfdRead(int fd);

    /** {@code mount(2)} without data. */
    void mount(String source, String target, String fsType, long flags);

    /** {@code close(2)}; EBADF is reported as an error (double close is a bug the caller must avoid). */
    void close(int fd);

    /** {@code sched_getaffinity(0, …)}: the CPUs the calling thread may run on, ascending. */
    int[] threadAffinity();

    /** {@code sched_setaffinity(0, …)}: lets the calling thread run on {@code cpus} only (each below 1024). */
    void setThreadAffinity(int[] cpus);

    // ---- files the kernel publishes about itself (/proc, /sys, tracefs) ----------------------

    /** What a path is, as far as this process can tell. */
    enum PathKind {
        /** Nothing there. */
        MISSING,
        /** Something may be there, but this process may not look (a 0700 directory on the way). */
        NOT_ACCESSIBLE,
        /** A file (or anything that is not a directory). */
        FILE,
        /** A directory. */
        DIRECTORY
    }

    /** What is at {@code path} ({@code /sys/bus/event_source/devices/kprobe}, a tracefs file, ...). */
    PathKind pathKind(Path path);

    /** A pseudo-file's whole text ({@code /proc/kallsyms}, a PMU's {@code type}, a tracepoint's {@code id}). */
    String readFile(Path path) throws IOException;

    /** A binary file's bytes ({@code /sys/kernel/btf/vmlinux}). */
    byte[] readBinaryFile(Path path) throws IOException;

    /** Appends {@code text} in one {@code write(2)}, as tracefs control files ({@code kprobe_events}) expect. */
    void appendFile(Path path, String text) throws IOException;

    // ---- request and result values ----------------------------------------------------------

    /**
     * The fields of {@code BPF_MAP_CREATE} bpf4j sets.
     *
     * @param mapType {@code enum bpf_map_type}
     * @param name at most 15 characters
     * @param innerMapFd the template map for map-in-map types, else 0
     * @param mapExtra {@code map_extra} (bloom filter: number of hash functions)
     */
    record MapCreateRequest(int mapType, int keySize, int valueSize, int maxEntries, int flags,
                            int innerMapFd, String name, long mapExtra) {
    }

    /**
     * The fields of {@code BPF_PROG_LOAD} bpf4j sets.
     *
     * @param insns the bytecode (direct buffer)
     * @param logLevel 0 for no log, 1 for the verifier log, 2 for its verbose form
     * @param logBuf direct buffer for the log, or null with level 0
     * @param progBtfFd BTF holding the {@code FUNC} types {@code funcInfo} names, or 0
     * @param funcInfo {@code struct bpf_func_info} records (one per subprogram), or null
     * @param funcInfoCount number of records in {@code funcInfo}
     * @param lineInfo {@code struct bpf_line_info} records (source lines by instruction), or null
     * @param lineInfoCount number of records in {@code lineInfo}
     */
    record ProgLoadRequest(int progType, ByteBuffer insns, String license, int logLevel, ByteBuffer logBuf,
                           int kernVersion, int progFlags, String name, int expectedAttachType,
                           int attachBtfId, int attachBtfObjFd, int progBtfFd, ByteBuffer funcInfo, int funcInfoCount,
                           ByteBuffer lineInfo, int lineInfoCount) {
        /** Size of one {@code struct bpf_func_info} record: {@code insn_off}, {@code type_id}. */
        public static final int FUNC_INFO_REC_SIZE = 8;
        /** Size of one {@code struct bpf_line_info} record: insn_off, file_name_off, line_off, line_col. */
        public static final int LINE_INFO_REC_SIZE = 16;

        /** A request with func_info but no line_info. */
        public ProgLoadRequest(int progType, ByteBuffer insns, String license, int logLevel, ByteBuffer logBuf,
                               int kernVersion, int progFlags, String name, int expectedAttachType,
                               int attachBtfId, int attachBtfObjFd, int progBtfFd, ByteBuffer funcInfo, int funcInfoCount) {
            this(progType, insns, license, logLevel, logBuf, kernVersion, progFlags, name, expectedAttachType,
                    attachBtfId, attachBtfObjFd, progBtfFd, funcInfo, funcInfoCount, null, 0);
        }

        /** A request without BTF (no subprograms). */
        public ProgLoadRequest(int progType, ByteBuffer insns, String license, int logLevel, ByteBuffer logBuf,
                               int kernVersion, int progFlags, String name, int expectedAttachType,
                               int attachBtfId, int attachBtfObjFd) {
            this(progType, insns, license, logLevel, logBuf, kernVersion, progFlags, name, expectedAttachType,
                    attachBtfId, attachBtfObjFd, 0, null, 0, null, 0);
        }
    }

    /**
     * @param fd the program fd, or -1 on failure
     * @param errno the failure, or null on success
     * @param logTrueSize the log size the kernel needed ({@code log_true_size}, 6.4+), or 0
     */
    record ProgLoadResult(int fd, Errno errno, int logTrueSize) {
        /** True if the program loaded. */
        public boolean ok() {
            return errno == null;
        }
    }

    /**
     * {@code BPF_PROG_TEST_RUN} inputs (direct buffers or null).
     *
     * @param dataIn packet data in
     * @param dataOut receives packet data out
     * @param ctxIn context in (for {@code BPF_PROG_TYPE_SYSCALL} the kernel writes the context back here)
     * @param ctxOut receives the context out
     * @param repeat run this many times (0 = once)
     */
    record ProgTestRunRequest(ByteBuffer dataIn, ByteBuffer dataOut, ByteBuffer ctxIn, ByteBuffer ctxOut,
                          int repeat, int flags, int cpu) {
    }

    /**
     * @param retval the program's return value (r0, truncated to 32 bits by the kernel)
     * @param durationNanos mean run time as the kernel measured it
     */
    record ProgTestRunResult(int retval, int durationNanos, int dataSizeOut, int ctxSizeOut) {
    }

    /**
     * The fields of {@code BPF_LINK_CREATE} bpf4j sets beyond the perf-event form.
     *
     * @param progFd the program
     * @param target the target fd (a cgroup directory) or interface index (XDP, tcx); 0 for BTF-attached programs
     * @param attachType {@code enum bpf_attach_type}
     * @param flags {@code link_create.flags} (XDP: {@code XDP_FLAGS_SKB_MODE} 2 / {@code XDP_FLAGS_DRV_MODE} 4;
     *              tcx: {@code BPF_F_BEFORE} 8 / {@code BPF_F_AFTER} 16 with {@code relative})
     * @param relative tcx: the fd of the program or link to go before or after, else 0
     * @param expectedRevision tcx: fail with ESTALE unless the hook's revision is this (0: any)
     */
    record LinkCreateRequest(int progFd, int target, int attachType, int flags, int relative, long expectedRevision) {
        /** A link with no ordering constraint. */
        public LinkCreateRequest(int progFd, int target, int attachType, int flags) {
            this(progFd, target, attachType, flags, 0, 0);
        }
    }

    /**
     * @param count entries processed
     * @param done true when the kernel reported the end of the map (ENOENT)
     */
    record BatchResult(int count, boolean done) {
    }

    /**
     * The fields of {@code struct perf_event_attr} bpf4j sets.
     *
     * @param type {@code PERF_TYPE_*} or a PMU type from sysfs
     * @param config event config (tracepoint id, retprobe bit, software event)
     * @param samplePeriodOrFreq {@code sample_period}, or {@code sample_freq} when {@code freq}
     * @param flagBits the bitfield word (bit 0 disabled, bit 10 freq, …)
     * @param probePath for kprobe/uprobe PMUs: the function name or binary path
     *                  ({@code config1} points at it); null to use {@code config1}
     * @param config1 {@code config1} when {@code probePath} is null
     * @param config2 {@code config2} (probe address or offset)
     */
    record PerfEventAttr(int type, long config, long samplePeriodOrFreq, long sampleType, long flagBits,
                         int wakeupEvents, String probePath, long config1, long config2) {
        /** Bit 10 of the flags word: {@code freq}. */
        public static final long FLAG_FREQ = 1L << 10;
        /** Bit 0: {@code disabled}. */
        public static final long FLAG_DISABLED = 1L;
    }
}
