package io.bpf4j.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for layouts is gcc: each struct is rendered with {@link StructLayout#toC()}, compiled
 * with a program printing {@code sizeof}, {@code _Alignof} and the {@code offsetof} of every field
 * path, and the printed numbers are compared with ours. Skips, saying why, where gcc is absent.
 */
class GccLayoutTest {
    @TempDir
    Path dir;

    static List<StructLayout> handPicked() {
        StructLayout hdr = StructLayout.builder("Hdr").u32("pid").u16("flags").build();          // 8, trailing pad 2
        StructLayout small = StructLayout.builder("Small").u8("a").build();                        // 1
        StructLayout wide = StructLayout.builder("Wide").u8("tag").u64("v").u8("end").build();   // 24
        List<StructLayout> out = new ArrayList<>();
        out.add(LabEventTest.EXEC);
        out.add(hdr);
        out.add(wide);
        out.add(StructLayout.builder("Padding").u8("a").u32("b").u16("c").u64("d").s8("e").build());
        out.add(StructLayout.builder("Arrays").u8("n").array("vals", ScalarType.U32, 3).chars("name", 5)
                .array("big", ScalarType.S64, 2).u16("tail").build());
        out.add(StructLayout.builder("Nested").u8("kind").struct("hdr", hdr).struct("w", wide)
                .structArray("smalls", small, 3).structArray("hdrs", hdr, 2).u8("last").build());
        out.add(StructLayout.builder("PackedEvent").packed().u8("a").u64("b").u16("c").chars("s", 3)
                .struct("hdr", hdr).u32("d").build());
        StructLayout packedInner = StructLayout.builder("PackedInner").packed().u8("x").u32("y").build();
        out.add(StructLayout.builder("HoldsPacked").u8("a").struct("p", packedInner).u64("z")
                .structArray("ps", packedInner, 2).build());
        out.add(StructLayout.builder("Explicit").u32("a").at(16).u64("b").pad(3).u8("c").size(40).build());
        return out;
    }

    @Test
    void handPickedStructsMatchGcc() throws Exception {
        compareWithGcc(handPicked());
    }

    @Test
    void randomStructsMatchGcc() throws Exception {
        long seed = Long.getLong("bpf4j.seed", System.nanoTime());
        System.out.println("GccLayoutTest.randomStructsMatchGcc seed=" + seed + " (rerun with -Dbpf4j.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<StructLayout> layouts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            layouts.add(RandomLayouts.layout(rnd, "R" + i, 2));
        }
        compareWithGcc(layouts);
    }

    private void compareWithGcc(List<StructLayout> layouts) throws Exception {
        String gcc = findGcc();
        if (gcc == null) {
            System.out.println("GccLayoutTest: gcc not found on PATH, layout comparison skipped");
        }
        Assumptions.assumeTrue(gcc != null, "gcc not found on PATH: layout comparison against gcc skipped");
        StringBuilder c = new StringBuilder("#include <linux/types.h>\n#include <stddef.h>\n#include <stdio.h>\n\n");
        Set<String> defined = new LinkedHashSet<>();
        for (StructLayout l : layouts) {
            // each rendering repeats shared nested types; keep the first definition of each tag
            for (String def : l.toC().split("\n(?=struct )")) {
                String tag = def.substring("struct ".length(), def.indexOf(' ', "struct ".length()));
                if (defined.add(tag)) {
                    c.append(def.endsWith("\n") ? def : def + "\n").append('\n');
                }
            }
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        c.append("int main(void) {\n");
        for (StructLayout l : layouts) {
            String s = "struct " + l.cName();
            c.append("    printf(\"").append(l.cName()).append(" sizeof %zu\\n\", sizeof(").append(s).append("));\n");
            c.append("    printf(\"").append(l.cName()).append(" alignof %zu\\n\", _Alignof(").append(s).append("));\n");
            expected.put(l.cName() + " sizeof", (long) l.size());
            expected.put(l.cName() + " alignof", (long) l.alignment());
            for (String path : paths(l)) {
                c.append("    printf(\"").append(l.cName()).append(' ').append(path).append(" %zu\\n\", offsetof(")
                        .append(s).append(", ").append(path).append("));\n");
                expected.put(l.cName() + " " + path, (long) l.offset(path));
            }
        }
        c.append("    return 0;\n}\n");
        Path src = dir.resolve("layouts.c");
        Path exe = dir.resolve("layouts");
        Files.writeString(src, c);
        String out = run(List.of(gcc, "-std=gnu11", "-Wall", "-Werror", "-o", exe.toString(), src.toString()));
        assertEquals("", out, "gcc rejected the rendering:\n" + c);
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            int sp = line.lastIndexOf(' ');
            actual.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
        }
        assertEquals(expected, actual, "layout differs from gcc's; the C was:\n" + c);
    }

    /** Every field path, plus the first and last element of each array of structs. */
    private static List<String> paths(StructLayout l) {
        List<String> out = new ArrayList<>(l.fieldsByPath().keySet());
        for (Map.Entry<String, Field> e : l.fieldsByPath().entrySet()) {
            Field f = e.getValue();
            if (f.kind() == Field.Kind.STRUCT_ARRAY || f.kind() == Field.Kind.ARRAY) {
                out.add(e.getKey() + "[" + (f.count() - 1) + "]");
            }
            if (f.kind() == Field.Kind.STRUCT_ARRAY) {
                out.add(e.getKey() + "[" + (f.count() - 1) + "]." + f.struct().fields().get(0).name());
            }
        }
        return out;
    }

    private static String findGcc() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, "gcc"))) {
                return Path.of(d, "gcc").toString();
            }
        }
        return null;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd + " did not finish");
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " exited " + p.exitValue() + ":\n" + s);
        }
        return s;
    }
}
