package io.bpf4j.examples.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flame graph in a real browser: headless Chromium loads the SVG file, runs its script and
 * dumps the DOM, which must hold every frame name and the script's mark; a page that inlines
 * the same SVG drives zoom and search through the script's hooks and records what they did.
 * Runs where chromium is installed; under BPF4J_REQUIRE_KERNEL=1 (CI) its absence is a failure.
 */
class FlameGraphBrowserTest {
    @TempDir
    Path dir;

    static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        String why = "no chromium on PATH (apt-get install chromium)";
        if ("1".equals(System.getenv("BPF4J_REQUIRE_KERNEL"))) {
            fail(why + ", and BPF4J_REQUIRE_KERNEL=1 requires the browser test to run");
        }
        System.err.println("SKIP FlameGraphBrowserTest: " + why);
        assumeTrue(false, why);
        return null;
    }

    /** Runs headless Chromium with {@code args} plus the flags for a container without a display. */
    static String chromium(Path browser, Path userDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--user-data-dir=" + userDir));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish: " + cmd);
        }
        return out;
    }

    @Test
    void chromiumRendersTheSvgWithEveryFrameNameInTheDom() throws Exception {
        Path browser = chromium();
        Path svg = Files.writeString(dir.resolve("flame.svg"), FlameGraph.render(FoldedStacks.parse(FlameGraphTest.FOLDED),
                "browser test"));
        String dom = chromium(browser, Files.createDirectory(dir.resolve("profile1")), "--dump-dom", svg.toUri().toString());
        Matcher rendered = Pattern.compile("data-rendered=\"(\\d+)\"").matcher(dom);
        assertTrue(rendered.find(), "the script ran and marked the document:\n" + dom.substring(0, Math.min(500, dom.length())));
        assertEquals(10, Integer.parseInt(rendered.group(1)));
        for (String name : List.of("Work.sixty", "Work.thirty", "Work.ten", "write", "Interpreter", "main",
                "hot&lt;T&gt;&amp;")) {
            assertTrue(dom.contains(">" + name), name + " is drawn as text in the DOM");
        }
    }

    @Test
    void zoomAndSearchWorkInTheBrowser() throws Exception {
        Path browser = chromium();
        String svg = FlameGraph.render(FoldedStacks.parse(FlameGraphTest.FOLDED), "zoom test");
        String inline = svg.substring(svg.indexOf("<svg"));
        String page = "<!DOCTYPE html><html><body>" + inline + "<script>\n"
                + "flameGraph.zoom('Interpreter');\n"
                + "var widths = Array.prototype.map.call(document.querySelectorAll('g.f'), function (g) {\n"
                + "  return g.getAttribute('data-n') + '=' + (g.classList.contains('hidden') ? 'hidden'\n"
                + "      : Math.round(Number(g.querySelector('rect').getAttribute('width'))));\n"
                + "});\n"
                + "flameGraph.search('^Work\\\\.t');\n"
                + "var out = document.createElement('pre'); out.id = 'result';\n"
                + "out.textContent = widths.join(' ') + ' | matched=' + document.querySelector('svg').getAttribute('data-matched')\n"
                + "  + ' ' + document.getElementById('matched').textContent;\n"
                + "document.body.appendChild(out);\n"
                + "</script></body></html>";
        Path html = Files.writeString(dir.resolve("page.html"), page);
        String dom = chromium(browser, Files.createDirectory(dir.resolve("profile2")), "--dump-dom", html.toUri().toString());
        Matcher m = Pattern.compile("<pre id=\"result\">([^<]*)</pre>").matcher(dom);
        assertTrue(m.find(), dom.substring(0, Math.min(2000, dom.length())));
        String result = m.group(1);
        // Zoomed into Interpreter (100 of 200 samples): it spans the whole width (1180 px), its children by share.
        assertTrue(result.contains("Interpreter=1180"), result);
        assertTrue(result.contains("Work.sixty=708"), result);
        assertTrue(result.contains("Work.thirty=354"), result);
        assertTrue(result.contains("main=hidden"), "frames outside the zoomed one are hidden: " + result);
        assertTrue(result.contains("all=1180"), "ancestors stay, full width: " + result);
        // Work.thirty and Work.ten match: 40 of 200 samples.
        assertTrue(result.endsWith("matched=40 Matched: 20.0%"), result);
    }
}
