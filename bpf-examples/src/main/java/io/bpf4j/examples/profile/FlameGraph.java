package io.bpf4j.examples.profile;

import io.bpf4j.syscall.symbols.FrameKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Draws folded stacks as a self-contained interactive SVG flame graph: the root at the bottom,
 * each frame as wide as its samples, siblings in name order. The file needs no network and no
 * other file: its script (inline) zooms into a frame on click, searches frame names by regular
 * expression (the Search button, Ctrl-F or '/') and shows the matched share; Escape or
 * "Reset Zoom" goes back. Java, interpreter/JVM, kernel and native frames are coloured apart
 * (green, aqua, orange and red families), thread names purple.
 *
 * <pre>{@code
 * String svg = FlameGraph.render(folded, "bpf4j profile -p 4242");
 * Files.writeString(Path.of("profile.svg"), svg);
 * }</pre>
 */
public final class FlameGraph {
    static final int WIDTH = 1200;
    static final int FRAME_HEIGHT = 16;
    static final int PAD = 10;
    static final int TOP = 3 * FRAME_HEIGHT;       // title and controls
    static final int BOTTOM = 2 * FRAME_HEIGHT;    // details line
    /** Frames narrower than this many pixels are left out (they could not be seen or clicked). */
    static final double MIN_WIDTH = 0.1;

    private FlameGraph() {
    }

    /** One node of the merged stack tree. */
    private static final class Node {
        final String name;
        long samples;
        final Map<String, Node> children = new TreeMap<>();

        Node(String name) {
            this.name = name;
        }
    }

    /** The SVG document for {@code folded}, titled {@code title}. */
    public static String render(FoldedStacks folded, String title) {
        Node root = new Node("all");
        int depth = 0;
        for (Map.Entry<String, Long> e : folded.counts().entrySet()) {
            Node n = root;
            root.samples += e.getValue();
            String[] frames = e.getKey().split(";");
            depth = Math.max(depth, frames.length);
            for (String f : frames) {
                n = n.children.computeIfAbsent(f, Node::new);
                n.samples += e.getValue();
            }
        }
        int height = TOP + (depth + 1) * FRAME_HEIGHT + BOTTOM;
        double scale = root.samples == 0 ? 0 : (WIDTH - 2.0 * PAD) / root.samples;
        StringBuilder frames = new StringBuilder();
        List<Object[]> stack = new ArrayList<>();
        stack.add(new Object[] {root, 0L, 0});
        int count = 0;
        while (!stack.isEmpty()) {
            Object[] top = stack.remove(stack.size() - 1);
            Node n = (Node) top[0];
            long x = (Long) top[1];
            int d = (Integer) top[2];
            if (n.samples * scale < MIN_WIDTH && n != root) {
                continue;
            }
            frame(frames, n, x, d, root.samples, scale, height);
            count++;
            long cx = x;
            List<Object[]> kids = new ArrayList<>();
            for (Node c : n.children.values()) {
                kids.add(new Object[] {c, cx, d + 1});
                cx += c.samples;
            }
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.add(kids.get(i));
            }
        }
        StringBuilder svg = new StringBuilder(frames.length() + 8192);
        svg.append("<?xml version=\"1.0\" standalone=\"no\"?>\n")
                .append("<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" data-samples=\"").append(root.samples).append("\" data-frames=\"").append(count)
                .append("\" data-depth=\"").append(depth).append("\">\n")
                .append("<style>\n")
                .append("text { font-family: monospace; font-size: 12px; fill: #000; }\n")
                .append(".f text { pointer-events: none; }\n")
                .append(".f:hover rect { stroke: #000; stroke-width: 0.5; }\n")
                .append(".f.hidden { display: none; }\n")
                .append(".f.parent rect { opacity: 0.5; }\n")
                .append(".f.match rect { fill: #e020e0 !important; }\n")
                .append(".button { cursor: pointer; fill: #006; }\n")
                .append(".button.off { opacity: 0; pointer-events: none; }\n")
                .append("</style>\n")
                .append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#f8f8f4\"/>\n")
                .append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(FRAME_HEIGHT + 4)
                .append("\" text-anchor=\"middle\" style=\"font-size: 16px\">").append(escape(title)).append("</text>\n")
                .append("<text id=\"reset\" class=\"button off\" x=\"").append(PAD).append("\" y=\"").append(2 * FRAME_HEIGHT + 4)
                .append("\">Reset Zoom</text>\n")
                .append("<text id=\"search\" class=\"button\" x=\"").append(WIDTH - PAD).append("\" y=\"")
                .append(2 * FRAME_HEIGHT + 4).append("\" text-anchor=\"end\">Search</text>\n")
                .append("<text id=\"matched\" x=\"").append(WIDTH - PAD).append("\" y=\"").append(height - 8)
                .append("\" text-anchor=\"end\"></text>\n")
                .append("<text id=\"details\" x=\"").append(PAD).append("\" y=\"").append(height - 8).append("\"> </text>\n")
                .append("<g id=\"frames\">\n").append(frames).append("</g>\n")
                .append("<script type=\"text/ecmascript\"><![CDATA[\n").append(SCRIPT.replace("@WIDTH@", String.valueOf(WIDTH))
                        .replace("@PAD@", String.valueOf(PAD)).replace("@TOTAL@", String.valueOf(root.samples)))
                .append("]]></script>\n</svg>\n");
        return svg.toString();
    }

    private static void frame(StringBuilder out, Node n, long x, int depth, long total, double scale, int height) {
        double px = PAD + x * scale;
        double w = n.samples * scale;
        int y = height - BOTTOM - (depth + 1) * FRAME_HEIGHT;
        FrameKind kind = depth == 1 ? null : FrameKind.fromFolded(n.name);
        String name = kind == null ? n.name : n.name.substring(0, n.name.length() - kind.suffix().length());
        String label = depth == 0 ? "all" : name;
        String info = String.format(Locale.ROOT, "%s (%d sample%s, %.2f%%)", label, n.samples, n.samples == 1 ? "" : "s",
                total == 0 ? 0.0 : 100.0 * n.samples / total);
        out.append("<g class=\"f\" data-n=\"").append(escape(label)).append("\" data-x=\"").append(x)
                .append("\" data-w=\"").append(n.samples).append("\" data-d=\"").append(depth).append("\" data-k=\"")
                .append(depth == 0 ? "root" : kind == null ? "thread" : TopTable.kindLabel(kind)).append("\">")
                .append("<title>").append(escape(info)).append("</title>")
                .append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>",
                        px, y, w, FRAME_HEIGHT - 1, colour(depth, kind, name)))
                .append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\"></text>", px + 3, y + FRAME_HEIGHT - 4))
                .append("</g>\n");
    }

    /** A colour from the kind's family, varied by a hash of the name so neighbours differ. */
    static String colour(int depth, FrameKind kind, String name) {
        int h = name.hashCode();
        double v1 = ((h & 0xff) / 255.0);
        double v2 = (((h >>> 8) & 0xff) / 255.0);
        int r;
        int g;
        int b;
        if (depth == 0) {
            r = 200; g = 200; b = 200;
        } else if (kind == null) {                      // thread name
            r = 170 + (int) (40 * v1); g = 150 + (int) (30 * v2); b = 220;
        } else {
            switch (kind) {
                case JAVA:
                    r = 50 + (int) (60 * v1); g = 190 + (int) (55 * v2); b = 50 + (int) (60 * v1);
                    break;
                case INTERPRETER:
                case JVM_STUB:
                    r = 60 + (int) (60 * v1); g = 190 + (int) (50 * v2); b = 190 + (int) (50 * v2);
                    break;
                case KERNEL:
                    r = 230 + (int) (25 * v1); g = 140 + (int) (60 * v2); b = 30 + (int) (40 * v1);
                    break;
                case NATIVE:
                    r = 220 + (int) (35 * v1); g = 80 + (int) (80 * v2); b = 70 + (int) (50 * v2);
                    break;
                default:
                    r = 180 + (int) (30 * v1); g = r; b = r;
                    break;
            }
        }
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", r, g, b);
    }

    /** Escapes text for XML content and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '&':
                    b.append("&amp;");
                    break;
                case '"':
                    b.append("&quot;");
                    break;
                default:
                    // Characters XML 1.0 forbids (controls other than tab/newline) would make the file unreadable.
                    b.append(c < 0x20 && c != '\t' && c != '\n' ? '?' : c);
            }
        }
        return b.toString();
    }

    /**
     * The inline script. Frames keep their sample offsets (data-x, data-w) and depth (data-d):
     * zooming rescales from those, so repeated zooms do not accumulate rounding.
     */
    private static final String SCRIPT = String.join("\n",
            "(function () {",
            "  'use strict';",
            "  var W = @WIDTH@, P = @PAD@, TOTAL = @TOTAL@, CHAR = 7.2;",
            "  var svg = document.querySelector('svg');      // the document, or an SVG inlined in HTML",
            "  var frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));",
            "  var details = document.getElementById('details');",
            "  var matched = document.getElementById('matched');",
            "  var reset = document.getElementById('reset');",
            "  var zoomed = null, query = null;",
            "  function num(g, a) { return Number(g.getAttribute('data-' + a)); }",
            "  function fit(g, width) {",
            "    var t = g.querySelector('text'), name = g.getAttribute('data-n');",
            "    var chars = Math.floor((width - 6) / CHAR);",
            "    t.textContent = chars < 3 ? '' : name.length <= chars ? name : name.substring(0, chars - 2) + '..';",
            "  }",
            "  function layout(x0, w0, d0) {",
            "    var scale = (W - 2 * P) / w0;",
            "    frames.forEach(function (g) {",
            "      var x = num(g, 'x'), w = num(g, 'w'), d = num(g, 'd');",
            "      var r = g.querySelector('rect'), t = g.querySelector('text');",
            "      var inside = x >= x0 && x + w <= x0 + w0;",
            "      var above = x <= x0 && x + w >= x0 + w0 && d < d0;",
            "      g.classList.toggle('hidden', !(inside && d >= d0) && !above);",
            "      g.classList.toggle('parent', above && d0 > 0);",
            "      var px = above ? P : P + (x - x0) * scale, pw = above ? W - 2 * P : w * scale;",
            "      r.setAttribute('x', px.toFixed(2));",
            "      r.setAttribute('width', pw.toFixed(2));",
            "      t.setAttribute('x', (px + 3).toFixed(2));",
            "      fit(g, pw);",
            "    });",
            "  }",
            "  function zoom(g) {",
            "    zoomed = g;",
            "    if (g === null || num(g, 'd') === 0) { zoomed = null; layout(0, TOTAL || 1, 0); reset.classList.add('off'); }",
            "    else { layout(num(g, 'x'), num(g, 'w'), num(g, 'd')); reset.classList.remove('off'); }",
            "  }",
            "  function search(re) {",
            "    query = re;",
            "    var spans = [];",
            "    frames.forEach(function (g) {",
            "      var hit = re !== null && re.test(g.getAttribute('data-n'));",
            "      g.classList.toggle('match', hit);",
            "      if (hit) spans.push([num(g, 'x'), num(g, 'x') + num(g, 'w')]);",
            "    });",
            "    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });",
            "    var covered = 0, end = -1;",
            "    spans.forEach(function (s) {",
            "      if (s[1] <= end) return;",
            "      covered += s[1] - Math.max(s[0], end);",
            "      end = s[1];",
            "    });",
            "    matched.textContent = re === null ? '' : 'Matched: ' + (TOTAL ? (100 * covered / TOTAL).toFixed(1) : '0.0') + '%';",
            "    svg.setAttribute('data-matched', String(covered));",
            "  }",
            "  function ask() {",
            "    var term = window.prompt('Search frames (regular expression)', query ? query.source : '');",
            "    if (term === null) return;",
            "    try { search(term === '' ? null : new RegExp(term)); } catch (e) { matched.textContent = 'Bad expression: ' + e.message; }",
            "  }",
            "  frames.forEach(function (g) {",
            "    g.addEventListener('click', function () { zoom(g); });",
            "    g.addEventListener('mouseover', function () { details.textContent = g.querySelector('title').textContent; });",
            "    g.addEventListener('mouseout', function () { details.textContent = ' '; });",
            "  });",
            "  reset.addEventListener('click', function () { zoom(null); });",
            "  document.getElementById('search').addEventListener('click', ask);",
            "  window.addEventListener('keydown', function (e) {",
            "    if ((e.ctrlKey && e.key === 'f') || e.key === '/') { e.preventDefault(); ask(); }",
            "    else if (e.key === 'Escape') { zoom(null); search(null); }",
            "  });",
            "  // Hooks for scripted use (and the tests): window.flameGraph.zoom(name), .search(regex).",
            "  window.flameGraph = {",
            "    zoom: function (name) { zoom(frames.filter(function (g) { return g.getAttribute('data-n') === name; })[0] || null); },",
            "    search: function (re) { search(re === null ? null : new RegExp(re)); }",
            "  };",
            "  zoom(null);",
            "  svg.setAttribute('data-rendered', String(frames.length));",
            "})();",
            "");
}
