package io.bpf4j.syscall.internal;

/**
 * Byte offsets and sizes of the {@code union bpf_attr} members and of
 * {@code struct perf_event_attr} that bpf4j writes. Source: {@code include/uapi/linux/bpf.h} and
 * {@code include/uapi/linux/perf_event.h} (checked against gcc {@code offsetof} over the installed
 * headers by {@code AttrLayoutTest}); fields newer than the installed 6.1 header name the kernel
 * release that added them.
 *
 * <pre>
 * BPF_MAP_CREATE            BPF_PROG_LOAD
 *  0 map_type                0 prog_type        48 prog_name[16]
 *  4 key_size                4 insn_cnt         64 prog_ifindex
 *  8 value_size              8 insns            68 expected_attach_type
 * 12 max_entries            16 license          72 prog_btf_fd
 * 16 map_flags              24 log_level       108 attach_btf_id
 * 20 inner_map_fd           28 log_size        112 attach_btf_obj_fd
 * 24 numa_node              32 log_buf         120 fd_array
 * 28 map_name[16]           40 kern_version    140 log_true_size (6.4)
 * 64 map_extra              44 prog_flags
 * </pre>
 */
public final class Attr {
    private Attr() {
    }

    /** {@code enum bpf_cmd}. */
    public static final int BPF_MAP_CREATE = 0, BPF_MAP_LOOKUP_ELEM = 1, BPF_MAP_UPDATE_ELEM = 2,
            BPF_MAP_DELETE_ELEM = 3, BPF_MAP_GET_NEXT_KEY = 4, BPF_PROG_LOAD = 5, BPF_OBJ_PIN = 6,
            BPF_OBJ_GET = 7, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_TEST_RUN = 10, BPF_PROG_GET_FD_BY_ID = 13, BPF_OBJ_GET_INFO_BY_FD = 15,
            BPF_RAW_TRACEPOINT_OPEN = 17, BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21, BPF_MAP_FREEZE = 22,
            BPF_MAP_LOOKUP_BATCH = 24, BPF_MAP_LOOKUP_AND_DELETE_BATCH = 25, BPF_MAP_UPDATE_BATCH = 26,
            BPF_MAP_DELETE_BATCH = 27, BPF_LINK_CREATE = 28, BPF_LINK_UPDATE = 29, BPF_LINK_GET_FD_BY_ID = 30, BPF_LINK_GET_NEXT_ID = 31;

    // BPF_MAP_CREATE
    public static final int MAP_CREATE_MAP_TYPE = 0, MAP_CREATE_KEY_SIZE = 4, MAP_CREATE_VALUE_SIZE = 8,
            MAP_CREATE_MAX_ENTRIES = 12, MAP_CREATE_MAP_FLAGS = 16, MAP_CREATE_INNER_MAP_FD = 20,
            MAP_CREATE_NUMA_NODE = 24, MAP_CREATE_MAP_NAME = 28, MAP_CREATE_MAP_IFINDEX = 44,
            MAP_CREATE_BTF_FD = 48, MAP_CREATE_MAP_EXTRA = 64, MAP_CREATE_SIZE = 72;

    // BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE
    public static final int ELEM_MAP_FD = 0, ELEM_KEY = 8, ELEM_VALUE = 16, ELEM_NEXT_KEY = 16, ELEM_FLAGS = 24,
            ELEM_SIZE = 32;

    // BPF_MAP_*_BATCH
    public static final int BATCH_IN_BATCH = 0, BATCH_OUT_BATCH = 8, BATCH_KEYS = 16, BATCH_VALUES = 24,
            BATCH_COUNT = 32, BATCH_MAP_FD = 36, BATCH_ELEM_FLAGS = 40, BATCH_FLAGS = 48, BATCH_SIZE = 56;

    // BPF_PROG_LOAD
    public static final int PROG_LOAD_PROG_TYPE = 0, PROG_LOAD_INSN_CNT = 4, PROG_LOAD_INSNS = 8,
            PROG_LOAD_LICENSE = 16, PROG_LOAD_LOG_LEVEL = 24, PROG_LOAD_LOG_SIZE = 28, PROG_LOAD_LOG_BUF = 32,
            PROG_LOAD_KERN_VERSION = 40, PROG_LOAD_PROG_FLAGS = 44, PROG_LOAD_PROG_NAME = 48,
            PROG_LOAD_PROG_IFINDEX = 64, PROG_LOAD_EXPECTED_ATTACH_TYPE = 68, PROG_LOAD_PROG_BTF_FD = 72,
            PROG_LOAD_FUNC_INFO_REC_SIZE = 76, PROG_LOAD_FUNC_INFO = 80, PROG_LOAD_FUNC_INFO_CNT = 88,
            PROG_LOAD_LINE_INFO_REC_SIZE = 92, PROG_LOAD_LINE_INFO = 96, PROG_LOAD_LINE_INFO_CNT = 104,
            PROG_LOAD_ATTACH_BTF_ID = 108, PROG_LOAD_ATTACH_BTF_OBJ_FD = 112, PROG_LOAD_FD_ARRAY = 120,
            PROG_LOAD_CORE_RELO_REC_SIZE = 136,
            // Added in Linux 6.4 (commit "bpf: Add log_true_size output field to return necessary log buf size").
            PROG_LOAD_LOG_TRUE_SIZE = 140,
            // Up to and including log_true_size; older kernels accept it when the tail is zero.
            PROG_LOAD_SIZE = 144;

    // BPF_BTF_LOAD
    public static final int BPF_BTF_LOAD = 18;
    public static final int BTF_LOAD_BTF = 0, BTF_LOAD_LOG_BUF = 8, BTF_LOAD_SIZE_FIELD = 16, BTF_LOAD_LOG_SIZE = 20,
            BTF_LOAD_LOG_LEVEL = 24, BTF_LOAD_SIZE = 32;

    // BPF_OBJ_PIN, BPF_OBJ_GET
    public static final int OBJ_PATHNAME = 0, OBJ_BPF_FD = 8, OBJ_FILE_FLAGS = 12, OBJ_SIZE = 16;

    // BPF_PROG_TEST_RUN
    public static final int TEST_PROG_FD = 0, TEST_RETVAL = 4, TEST_DATA_SIZE_IN = 8, TEST_DATA_SIZE_OUT = 12,
            TEST_DATA_IN = 16, TEST_DATA_OUT = 24, TEST_REPEAT = 32, TEST_DURATION = 36, TEST_CTX_SIZE_IN = 40,
            TEST_CTX_SIZE_OUT = 44, TEST_CTX_IN = 48, TEST_CTX_OUT = 56, TEST_FLAGS = 64, TEST_CPU = 68,
            TEST_BATCH_SIZE = 72, TEST_SIZE = 80;

    // BPF_OBJ_GET_INFO_BY_FD
    public static final int INFO_BPF_FD = 0, INFO_INFO_LEN = 4, INFO_INFO = 8, INFO_SIZE = 16;

    // BPF_RAW_TRACEPOINT_OPEN
    public static final int RAW_TP_NAME = 0, RAW_TP_PROG_FD = 8, RAW_TP_SIZE = 16;

    // BPF_LINK_CREATE
    public static final int LINK_CREATE_PROG_FD = 0, LINK_CREATE_TARGET_FD = 4, LINK_CREATE_ATTACH_TYPE = 8,
            LINK_CREATE_FLAGS = 12, LINK_CREATE_PERF_EVENT_BPF_COOKIE = 16, LINK_CREATE_SIZE = 24;
    /** tcx: {@code link_create.tcx.relative_fd} and {@code expected_revision} (Linux 6.6 uapi). */
    public static final int LINK_CREATE_TCX_RELATIVE = 16, LINK_CREATE_TCX_EXPECTED_REVISION = 24, LINK_CREATE_TCX_SIZE = 32;

    // BPF_PROG_ATTACH, BPF_PROG_DETACH
    public static final int PROG_ATTACH_TARGET_FD = 0, PROG_ATTACH_BPF_FD = 4, PROG_ATTACH_TYPE = 8, PROG_ATTACH_FLAGS = 12,
            PROG_ATTACH_SIZE = 16;

    // BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID, BPF_PROG_GET_FD_BY_ID
    public static final int GET_ID_START_ID = 0, GET_ID_NEXT_ID = 4, GET_ID_SIZE = 12;

    // BPF_LINK_UPDATE
    public static final int LINK_UPDATE_LINK_FD = 0, LINK_UPDATE_NEW_PROG_FD = 4, LINK_UPDATE_FLAGS = 8,
            LINK_UPDATE_OLD_PROG_FD = 12, LINK_UPDATE_SIZE = 16;
    /** {@code BPF_F_REPLACE}: only replace {@code old_prog_fd}. */
    public static final int F_REPLACE = 1 << 2;

    // struct bpf_map_info
    public static final int MAP_INFO_TYPE = 0, MAP_INFO_ID = 4, MAP_INFO_KEY_SIZE = 8, MAP_INFO_VALUE_SIZE = 12,
            MAP_INFO_MAX_ENTRIES = 16, MAP_INFO_MAP_FLAGS = 20, MAP_INFO_NAME = 24, MAP_INFO_MAP_EXTRA = 80,
            MAP_INFO_SIZE = 88;

    // struct bpf_prog_info (the leading fields bpf4j reads)
    public static final int PROG_INFO_TYPE = 0, PROG_INFO_ID = 4, PROG_INFO_TAG = 8, PROG_INFO_XLATED_PROG_LEN = 20,
            PROG_INFO_NAME = 64, PROG_INFO_SIZE_READ = 80;

    // struct perf_event_attr
    public static final int PERF_TYPE = 0, PERF_SIZE = 4, PERF_CONFIG = 8, PERF_SAMPLE_PERIOD = 16,
            PERF_SAMPLE_TYPE = 24, PERF_READ_FORMAT = 32, PERF_FLAGS = 40, PERF_WAKEUP_EVENTS = 48,
            PERF_BP_TYPE = 52, PERF_CONFIG1 = 56, PERF_CONFIG2 = 64,
            // PERF_ATTR_SIZE_VER7 (Linux 5.13); every kernel bpf4j supports accepts it.
            PERF_ATTR_SIZE = 128;

    /** {@code BPF_OBJ_NAME_LEN}. */
    public static final int OBJ_NAME_LEN = 16;
}
