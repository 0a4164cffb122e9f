package io.bpf4j.examples.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The SVG's structure: frames merged by stack prefix, widths by samples, kinds, escaping, nothing external. */
class FlameGraphTest {
    static final String FOLDED = String.join("\n",
            "java;Interpreter_[i];Work.sixty_[j] 60",
            "java;Interpreter_[i];Work.thirty_[j] 30",
            "java;Interpreter_[i];Work.ten_[j];write_[k] 10",
            "work;main;hot<T>&\"x\" 100",
            "");

    /** data-n, data-w, data-d and data-k of every frame, in document order. */
    static List<String[]> frames(String svg) {
        Matcher m = Pattern.compile("<g class=\"f\" data-n=\"([^\"]*)\" data-x=\"(\\d+)\" data-w=\"(\\d+)\" data-d=\"(\\d+)\" "
                + "data-k=\"([a-z]+)\">").matcher(svg);
        List<String[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)});
        }
        return out;
    }

    @Test
    void framesAreMergedByPrefixAndAsWideAsTheirSamples() {
        String svg = FlameGraph.render(FoldedStacks.parse(FOLDED), "t");
        List<String[]> f = frames(svg);
        List<String> rows = new ArrayList<>();
        for (String[] x : f) {
            rows.add(String.join(" ", x));
        }
        assertEquals(List.of(
                "all 0 200 0 root",
                "java 0 100 1 thread",
                "Interpreter 0 100 2 interp",
                "Work.sixty 0 60 3 java",
                "Work.ten 60 10 3 java",
                "write 60 10 4 kernel",
                "Work.thirty 70 30 3 java",
                "work 100 100 1 thread",
                "main 100 100 2 native",
                "hot&lt;T&gt;&amp;&quot;x&quot; 100 100 3 native"), rows);
        // Pixel widths follow samples: half the samples, half the drawable width.
        Matcher m = Pattern.compile("data-n=\"java\"[^>]*><title>[^<]*</title><rect x=\"([0-9.]+)\" y=\"\\d+\" width=\"([0-9.]+)\"")
                .matcher(svg);
        assertTrue(m.find(), svg);
        assertEquals(FlameGraph.PAD, Double.parseDouble(m.group(1)), 0.01);
        assertEquals((FlameGraph.WIDTH - 2 * FlameGraph.PAD) / 2.0, Double.parseDouble(m.group(2)), 0.01);
        assertTrue(svg.contains("<title>Work.sixty (60 samples, 30.00%)</title>"), "tooltips give samples and share");
    }

    @Test
    void theFileIsSelfContained() {
        String svg = FlameGraph.render(FoldedStacks.parse(FOLDED), "bpf4j <profile>");
        assertFalse(svg.contains("http://") && svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http://"),
                "no URL but the SVG namespace");
        assertFalse(svg.contains("https://"));
        assertFalse(svg.contains("href"), "no external script, style or image");
        assertTrue(svg.contains("bpf4j &lt;profile&gt;"), "the title is escaped");
        assertTrue(svg.contains("<script type=\"text/ecmascript\"><![CDATA["));
    }

    @Test
    void kindsGetDifferentColourFamilies() {
        String java = FlameGraph.colour(3, io.bpf4j.syscall.symbols.FrameKind.JAVA, "a");
        String kernel = FlameGraph.colour(3, io.bpf4j.syscall.symbols.FrameKind.KERNEL, "a");
        String nativ = FlameGraph.colour(3, io.bpf4j.syscall.symbols.FrameKind.NATIVE, "a");
        assertTrue(java.startsWith("rgb(") && !java.equals(kernel) && !kernel.equals(nativ) && !java.equals(nativ));
        int[] j = rgb(java);
        int[] k = rgb(kernel);
        assertTrue(j[1] > j[0] && j[1] > j[2], "Java is green: " + java);
        assertTrue(k[0] > k[1] && k[1] > k[2], "kernel is orange: " + kernel);
    }

    private static int[] rgb(String c) {
        String[] p = c.substring(4, c.length() - 1).split(",");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    @Test
    void anEmptyProfileStillDraws() {
        String svg = FlameGraph.render(FoldedStacks.parse(""), "nothing");
        assertEquals(1, frames(svg).size());
        assertTrue(svg.endsWith("</svg>\n"));
    }

    @Test
    void theTopTableRanksLeavesBySelfSamples() {
        TopTable t = TopTable.of(FoldedStacks.parse(FOLDED));
        assertEquals(List.of(
                new TopTable.Row("hot<T>&\"x\"", io.bpf4j.syscall.symbols.FrameKind.NATIVE, 100, 100),
                new TopTable.Row("Work.sixty", io.bpf4j.syscall.symbols.FrameKind.JAVA, 60, 60),
                new TopTable.Row("Work.thirty", io.bpf4j.syscall.symbols.FrameKind.JAVA, 30, 30),
                new TopTable.Row("write", io.bpf4j.syscall.symbols.FrameKind.KERNEL, 10, 10)), t.rows());
        java.io.StringWriter w = new java.io.StringWriter();
        t.print(new java.io.PrintWriter(w), 2);
        assertEquals(List.of("    SELF  SELF%  TOTAL%  KIND    FUNCTION",
                "     100  50.0%   50.0%  native  hot<T>&\"x\"",
                "      60  30.0%   30.0%  java    Work.sixty"), List.of(w.toString().split("\n")));
    }
}
