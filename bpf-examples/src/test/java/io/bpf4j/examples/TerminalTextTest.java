package io.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void controlCharactersBecomeVisibleEscapesAndPlainTextIsUntouched() {
        String plain = "/usr/bin/ls -l ünïcödé";
        assertSame(plain, TerminalText.escape(plain));
        assertEquals("a\\nb\\tc\\rd", TerminalText.escape("a\nb\tc\rd"));
        assertEquals("esc\\x1b[31mRED\\x07\\x00\\x7f", TerminalText.escape("esc\u001b[31mRED\u0007\u0000\u007f"));
        assertEquals("c1\\x9b2J", TerminalText.escape("c1\u009b2J"), "C1 CSI");
        assertEquals("a\\\\x1b", TerminalText.escape("a\\x1b"), "a typed backslash cannot fake an escape");
        assertEquals("\\u202egnp.exe \\u2028", TerminalText.escape("\u202egnp.exe \u2028"));
        assertEquals(null, TerminalText.escape(null));
    }
}
