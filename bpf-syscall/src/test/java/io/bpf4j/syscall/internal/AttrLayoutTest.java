package io.bpf4j.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The attr offsets bpf4j writes, against gcc's {@code offsetof} over the installed UAPI headers
 * ({@code /usr/include/linux/bpf.h}, {@code perf_event.h}), compiled and run at test time. Fields
 * newer than the installed header are checked against recorded values with their source.
 */
class AttrLayoutTest {

    /** Our constant for each C expression. */
    private static Map<String, Integer> expected() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("offsetof(union bpf_attr, map_type)", Attr.MAP_CREATE_MAP_TYPE);
        m.put("offsetof(union bpf_attr, key_size)", Attr.MAP_CREATE_KEY_SIZE);
        m.put("offsetof(union bpf_attr, value_size)", Attr.MAP_CREATE_VALUE_SIZE);
        m.put("offsetof(union bpf_attr, max_entries)", Attr.MAP_CREATE_MAX_ENTRIES);
        m.put("offsetof(union bpf_attr, map_flags)", Attr.MAP_CREATE_MAP_FLAGS);
        m.put("offsetof(union bpf_attr, inner_map_fd)", Attr.MAP_CREATE_INNER_MAP_FD);
        m.put("offsetof(union bpf_attr, numa_node)", Attr.MAP_CREATE_NUMA_NODE);
        m.put("offsetof(union bpf_attr, map_name)", Attr.MAP_CREATE_MAP_NAME);
        m.put("offsetof(union bpf_attr, map_ifindex)", Attr.MAP_CREATE_MAP_IFINDEX);
        m.put("offsetof(union bpf_attr, btf_fd)", Attr.MAP_CREATE_BTF_FD);
        m.put("offsetof(union bpf_attr, map_extra)", Attr.MAP_CREATE_MAP_EXTRA);

        m.put("offsetof(union bpf_attr, map_fd)", Attr.ELEM_MAP_FD);
        m.put("offsetof(union bpf_attr, key)", Attr.ELEM_KEY);
        m.put("offsetof(union bpf_attr, value)", Attr.ELEM_VALUE);
        m.put("offsetof(union bpf_attr, next_key)", Attr.ELEM_NEXT_KEY);
        m.put("offsetof(union bpf_attr, flags)", Attr.ELEM_FLAGS);

        m.put("offsetof(union bpf_attr, batch.in_batch)", Attr.BATCH_IN_BATCH);
        m.put("offsetof(union bpf_attr, batch.out_batch)", Attr.BATCH_OUT_BATCH);
        m.put("offsetof(union bpf_attr, batch.keys)", Attr.BATCH_KEYS);
        m.put("offsetof(union bpf_attr, batch.values)", Attr.BATCH_VALUES);
        m.put("offsetof(union bpf_attr, batch.count)", Attr.BATCH_COUNT);
        m.put("offsetof(union bpf_attr, batch.map_fd)", Attr.BATCH_MAP_FD);
        m.put("offsetof(union bpf_attr, batch.elem_flags)", Attr.BATCH_ELEM_FLAGS);
        m.put("offsetof(union bpf_attr, batch.flags)", Attr.BATCH_FLAGS);
        m.put("sizeof(((union bpf_attr *)0)->batch)", Attr.BATCH_SIZE);

        m.put("offsetof(union bpf_attr, prog_type)", Attr.PROG_LOAD_PROG_TYPE);
        m.put("offsetof(union bpf_attr, insn_cnt)", Attr.PROG_LOAD_INSN_CNT);
        m.put("offsetof(union bpf_attr, insns)", Attr.PROG_LOAD_INSNS);
        m.put("offsetof(union bpf_attr, license)", Attr.PROG_LOAD_LICENSE);
        m.put("offsetof(union bpf_attr, log_level)", Attr.PROG_LOAD_LOG_LEVEL);
        m.put("offsetof(union bpf_attr, log_size)", Attr.PROG_LOAD_LOG_SIZE);
        m.put("offsetof(union bpf_attr, log_buf)", Attr.PROG_LOAD_LOG_BUF);
        m.put("offsetof(union bpf_attr, kern_version)", Attr.PROG_LOAD_KERN_VERSION);
        m.put("offsetof(union bpf_attr, prog_flags)", Attr.PROG_LOAD_PROG_FLAGS);
        m.put("offsetof(union bpf_attr, prog_name)", Attr.PROG_LOAD_PROG_NAME);
        m.put("offsetof(union bpf_attr, prog_ifindex)", Attr.PROG_LOAD_PROG_IFINDEX);
        m.put("offsetof(union bpf_attr, expected_attach_type)", Attr.PROG_LOAD_EXPECTED_ATTACH_TYPE);
        m.put("offsetof(union bpf_attr, prog_btf_fd)", Attr.PROG_LOAD_PROG_BTF_FD);
        m.put("offsetof(union bpf_attr, func_info_rec_size)", Attr.PROG_LOAD_FUNC_INFO_REC_SIZE);
        m.put("offsetof(union bpf_attr, func_info)", Attr.PROG_LOAD_FUNC_INFO);
        m.put("offsetof(union bpf_attr, func_info_cnt)", Attr.PROG_LOAD_FUNC_INFO_CNT);
        m.put("sizeof(struct bpf_func_info)", io.bpf4j.syscall.Kernel.ProgLoadRequest.FUNC_INFO_REC_SIZE);
        m.put("offsetof(union bpf_attr, line_info_rec_size)", Attr.PROG_LOAD_LINE_INFO_REC_SIZE);
        m.put("offsetof(union bpf_attr, line_info)", Attr.PROG_LOAD_LINE_INFO);
        m.put("offsetof(union bpf_attr, line_info_cnt)", Attr.PROG_LOAD_LINE_INFO_CNT);
        m.put("sizeof(struct bpf_line_info)", io.bpf4j.syscall.Kernel.ProgLoadRequest.LINE_INFO_REC_SIZE);
        m.put("offsetof(union bpf_attr, attach_btf_id)", Attr.PROG_LOAD_ATTACH_BTF_ID);
        m.put("offsetof(union bpf_attr, attach_btf_obj_fd)", Attr.PROG_LOAD_ATTACH_BTF_OBJ_FD);
        m.put("offsetof(union bpf_attr, fd_array)", Attr.PROG_LOAD_FD_ARRAY);
        m.put("offsetof(union bpf_attr, core_relo_rec_size)", Attr.PROG_LOAD_CORE_RELO_REC_SIZE);

        m.put("offsetof(union bpf_attr, btf)", Attr.BTF_LOAD_BTF);
        m.put("offsetof(union bpf_attr, btf_log_buf)", Attr.BTF_LOAD_LOG_BUF);
        m.put("offsetof(union bpf_attr, btf_size)", Attr.BTF_LOAD_SIZE_FIELD);
        m.put("offsetof(union bpf_attr, btf_log_size)", Attr.BTF_LOAD_LOG_SIZE);
        m.put("offsetof(union bpf_attr, btf_log_level)", Attr.BTF_LOAD_LOG_LEVEL);

        m.put("offsetof(union bpf_attr, pathname)", Attr.OBJ_PATHNAME);
        m.put("offsetof(union bpf_attr, bpf_fd)", Attr.OBJ_BPF_FD);
        m.put("offsetof(union bpf_attr, file_flags)", Attr.OBJ_FILE_FLAGS);

        m.put("offsetof(union bpf_attr, test.prog_fd)", Attr.TEST_PROG_FD);
        m.put("offsetof(union bpf_attr, test.retval)", Attr.TEST_RETVAL);
        m.put("offsetof(union bpf_attr, test.data_size_in)", Attr.TEST_DATA_SIZE_IN);
        m.put("offsetof(union bpf_attr, test.data_size_out)", Attr.TEST_DATA_SIZE_OUT);
        m.put("offsetof(union bpf_attr, test.data_in)", Attr.TEST_DATA_IN);
        m.put("offsetof(union bpf_attr, test.data_out)", Attr.TEST_DATA_OUT);
        m.put("offsetof(union bpf_attr, test.repeat)", Attr.TEST_REPEAT);
        m.put("offsetof(union bpf_attr, test.duration)", Attr.TEST_DURATION);
        m.put("offsetof(union bpf_attr, test.ctx_size_in)", Attr.TEST_CTX_SIZE_IN);
        m.put("offsetof(union bpf_attr, test.ctx_size_out)", Attr.TEST_CTX_SIZE_OUT);
        m.put("offsetof(union bpf_attr, test.ctx_in)", Attr.TEST_CTX_IN);
        m.put("offsetof(union bpf_attr, test.ctx_out)", Attr.TEST_CTX_OUT);
        m.put("offsetof(union bpf_attr, test.flags)", Attr.TEST_FLAGS);
        m.put("offsetof(union bpf_attr, test.cpu)", Attr.TEST_CPU);
        m.put("offsetof(union bpf_attr, test.batch_size)", Attr.TEST_BATCH_SIZE);
        m.put("sizeof(((union bpf_attr *)0)->test)", Attr.TEST_SIZE);

        m.put("offsetof(union bpf_attr, info.bpf_fd)", Attr.INFO_BPF_FD);
        m.put("offsetof(union bpf_attr, info.info_len)", Attr.INFO_INFO_LEN);
        m.put("offsetof(union bpf_attr, info.info)", Attr.INFO_INFO);
        m.put("sizeof(((union bpf_attr *)0)->info)", Attr.INFO_SIZE);

        m.put("offsetof(union bpf_attr, raw_tracepoint.name)", Attr.RAW_TP_NAME);
        m.put("offsetof(union bpf_attr, raw_tracepoint.prog_fd)", Attr.RAW_TP_PROG_FD);
        m.put("sizeof(((union bpf_attr *)0)->raw_tracepoint)", Attr.RAW_TP_SIZE);

        m.put("offsetof(union bpf_attr, link_create.prog_fd)", Attr.LINK_CREATE_PROG_FD);
        m.put("offsetof(union bpf_attr, link_create.target_fd)", Attr.LINK_CREATE_TARGET_FD);
        m.put("offsetof(union bpf_attr, link_create.attach_type)", Attr.LINK_CREATE_ATTACH_TYPE);
        m.put("offsetof(union bpf_attr, link_create.flags)", Attr.LINK_CREATE_FLAGS);
        m.put("offsetof(union bpf_attr, link_create.perf_event.bpf_cookie)", Attr.LINK_CREATE_PERF_EVENT_BPF_COOKIE);

        m.put("offsetof(struct bpf_map_info, type)", Attr.MAP_INFO_TYPE);
        m.put("offsetof(struct bpf_map_info, id)", Attr.MAP_INFO_ID);
        m.put("offsetof(struct bpf_map_info, key_size)", Attr.MAP_INFO_KEY_SIZE);
        m.put("offsetof(struct bpf_map_info, value_size)", Attr.MAP_INFO_VALUE_SIZE);
        m.put("offsetof(struct bpf_map_info, max_entries)", Attr.MAP_INFO_MAX_ENTRIES);
        m.put("offsetof(struct bpf_map_info, map_flags)", Attr.MAP_INFO_MAP_FLAGS);
        m.put("offsetof(struct bpf_map_info, name)", Attr.MAP_INFO_NAME);
        m.put("offsetof(struct bpf_map_info, map_extra)", Attr.MAP_INFO_MAP_EXTRA);
        m.put("sizeof(struct bpf_map_info)", Attr.MAP_INFO_SIZE);

        m.put("offsetof(struct bpf_prog_info, type)", Attr.PROG_INFO_TYPE);
        m.put("offsetof(struct bpf_prog_info, id)", Attr.PROG_INFO_ID);
        m.put("offsetof(struct bpf_prog_info, tag)", Attr.PROG_INFO_TAG);
        m.put("offsetof(struct bpf_prog_info, xlated_prog_len)", Attr.PROG_INFO_XLATED_PROG_LEN);
        m.put("offsetof(struct bpf_prog_info, name)", Attr.PROG_INFO_NAME);

        m.put("offsetof(struct perf_event_attr, type)", Attr.PERF_TYPE);
        m.put("offsetof(struct perf_event_attr, size)", Attr.PERF_SIZE);
        m.put("offsetof(struct perf_event_attr, config)", Attr.PERF_CONFIG);
        m.put("offsetof(struct perf_event_attr, sample_period)", Attr.PERF_SAMPLE_PERIOD);
        m.put("offsetof(struct perf_event_attr, sample_type)", Attr.PERF_SAMPLE_TYPE);
        m.put("offsetof(struct perf_event_attr, read_format)", Attr.PERF_READ_FORMAT);
        m.put("offsetof(struct perf_event_attr, wakeup_events)", Attr.PERF_WAKEUP_EVENTS);
        m.put("offsetof(struct perf_event_attr, bp_type)", Attr.PERF_BP_TYPE);
        m.put("offsetof(struct perf_event_attr, config1)", Attr.PERF_CONFIG1);
        m.put("offsetof(struct perf_event_attr, kprobe_func)", Attr.PERF_CONFIG1);
        m.put("offsetof(struct perf_event_attr, uprobe_path)", Attr.PERF_CONFIG1);
        m.put("offsetof(struct perf_event_attr, config2)", Attr.PERF_CONFIG2);
        m.put("offsetof(struct perf_event_attr, probe_offset)", Attr.PERF_CONFIG2);
        m.put("PERF_ATTR_SIZE_VER7", Attr.PERF_ATTR_SIZE);
        // The bitfield word (disabled, inherit, ..., freq at bit 10) follows read_format.
        m.put("offsetof(struct perf_event_attr, read_format) + 8", Attr.PERF_FLAGS);
        return m;
    }

    @Test
    void attrOffsetsMatchGccOverTheInstalledHeaders() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/linux/bpf.h")), "SKIP: /usr/include/linux/bpf.h absent");
        Path dir = Files.createTempDirectory("bpf4j-attr");
        Path src = dir.resolve("attr.c");
        Path exe = dir.resolve("attr");
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <linux/bpf.h>\n"
                + "#include <linux/perf_event.h>\nint main(void) {\n");
        Map<String, Integer> want = expected();
        for (String expr : want.keySet()) {
            c.append("  printf(\"%lu\\n\", (unsigned long)(").append(expr).append("));\n");
        }
        c.append("  return 0;\n}\n");
        Files.writeString(src, c);
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-o", exe.toString(), src.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            System.err.println("SKIP AttrLayoutTest: gcc not runnable (" + e.getMessage() + ")");
            assumeTrue(false, "gcc absent");
            return;
        }
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed:\n" + gccOut);
        Process run = new ProcessBuilder(exe.toString()).start();
        String[] lines = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
        run.waitFor();
        int i = 0;
        for (Map.Entry<String, Integer> e : want.entrySet()) {
            assertEquals(Long.parseLong(lines[i++].trim()), (long) e.getValue(), e.getKey());
        }
    }

    @Test
    void fieldsNewerThanTheInstalledHeaderFollowTheirRecordedSource() {
        // log_true_size: Linux 6.4 ("bpf: Add log_true_size output field to
        // return necessary log buf size"): the u32 right after core_relo_rec_size.
        assertEquals(Attr.PROG_LOAD_CORE_RELO_REC_SIZE + 4, Attr.PROG_LOAD_LOG_TRUE_SIZE);
        assertEquals(Attr.PROG_LOAD_LOG_TRUE_SIZE + 4, Attr.PROG_LOAD_SIZE);
    }
}
