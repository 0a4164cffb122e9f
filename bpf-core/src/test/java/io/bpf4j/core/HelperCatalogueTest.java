package io.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HelperCatalogueTest {
    private static final Path UAPI = Path.of("/usr/include/linux/bpf.h");

    /**
     * Helper names in {@code __BPF_FUNC_MAPPER}, index = helper number. Handles both the old form
     * ({@code FN(name)}, numbered by position, as in 6.1) and the new one ({@code FN(name, 5, ##ctx)}).
     */
    static List<String> helpersInHeader(String header) {
        // 6.2+ numbers the helpers in ___BPF_FUNC_MAPPER and defines __BPF_FUNC_MAPPER on top of it.
        int start = header.indexOf("#define ___BPF_FUNC_MAPPER(");
        if (start < 0) {
            start = header.indexOf("#define __BPF_FUNC_MAPPER(");
        }
        assertTrue(start >= 0, "no __BPF_FUNC_MAPPER in the header");
        // The macro ends at the first line that does not continue with a backslash.
        Matcher lines = Pattern.compile("(?m)^.*$").matcher(header.substring(start));
        StringBuilder body = new StringBuilder();
        while (lines.find()) {
            String l = lines.group();
            body.append(l).append('\n');
            if (!l.stripTrailing().endsWith("\\")) {
                break;
            }
        }
        List<String> names = new ArrayList<>();
        Matcher fn = Pattern.compile("FN\\((\\w+)(?:,\\s*(\\d+))?").matcher(body);
        while (fn.find()) {
            if (fn.group(2) != null) {
                int n = Integer.parseInt(fn.group(2));
                while (names.size() <= n) {
                    names.add(null);
                }
                names.set(n, fn.group(1));
            } else {
                names.add(fn.group(1));
            }
        }
        return names;
    }

    @Test
    void catalogueAgreesWithTheInstalledUapiHeader() throws IOException {
        assumeTrue(Files.exists(UAPI), UAPI + " not installed: nothing to compare the helper catalogue with");
        List<String> header = helpersInHeader(Files.readString(UAPI));
        System.out.println("HelperCatalogueTest: " + UAPI + " lists helpers 1.." + (header.size() - 1)
                + "; the catalogue has 1.." + Helper.values().length);
        assertEquals("unspec", header.get(0));
        assertTrue(header.size() > 150, "parsed only " + header.size() + " helpers from " + UAPI);
        for (int n = 1; n < header.size(); n++) {
            String name = header.get(n);
            int number = n;
            Helper h = Helper.byNumber(n).orElseThrow(() -> new AssertionError("helper #" + number + " missing"));
            assertEquals(name, h.shortName(), "helper #" + n);
            assertEquals(h, Helper.byName("bpf_" + name).orElseThrow());
        }
        assertTrue(Helper.values().length >= header.size() - 1, "the catalogue has fewer helpers than the header");
    }

    @Test
    void catalogueIsDenseFromOneTo211AndEndsWithCgroupStorage() {
        Helper[] all = Helper.values();
        assertEquals(211, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(i + 1, all[i].number());
        }
        assertEquals("bpf_cgrp_storage_delete", Helper.byNumber(211).orElseThrow().cName());
        assertEquals(Helper.CGRP_STORAGE_GET, Helper.byNumber(210).orElseThrow());
        assertTrue(Helper.byNumber(0).isEmpty());
        assertTrue(Helper.byNumber(212).isEmpty());
    }

    @Test
    void headerParserReadsBothMacroForms() {
        String oldForm = "#define __BPF_FUNC_MAPPER(FN)\t\\\n\tFN(unspec),\t\\\n\tFN(map_lookup_elem),\t\\\n\tFN(map_update_elem),\n\n";
        assertEquals(List.of("unspec", "map_lookup_elem", "map_update_elem"), helpersInHeader(oldForm));
        String newForm = "#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\\\n\tFN(unspec, 0, ##ctx)\t\\\n"
                + "\tFN(map_lookup_elem, 1, ##ctx)\t\\\n\tFN(map_update_elem, 2, ##ctx)\n\n";
        newForm += "#define __BPF_FUNC_MAPPER_APPLY(name, value, FN) FN(name),\n"
                + "#define __BPF_FUNC_MAPPER(FN) ___BPF_FUNC_MAPPER(__BPF_FUNC_MAPPER_APPLY, FN)\n";
        assertEquals(List.of("unspec", "map_lookup_elem", "map_update_elem"), helpersInHeader(newForm));
    }
}
