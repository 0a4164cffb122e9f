package io.bpf4j.syscall.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** kallsyms text as Linux 6.18 prints it (lines taken from this project's CI machine, addresses shifted). */
class KernelSymbolsTest {
    private static final String KALLSYMS = String.join("\n",
            "ffffffff81000000 T _stext",
            "ffffffff81000000 T _text",
            "ffffffff81001000 T do_syscall_64",
            "ffffffff81001200 t syscall_exit_work",
            "ffffffff81001300 D some_data",
            "ffffffff81002000 W arch_cpu_idle",
            "ffffffff81002100 T entry_SYSCALL_64",
            "ffffffffc0026ec0 t bpf_dispatcher_xdp\t[bpf]",
            "");

    @Test
    void anAddressIsNamedByTheTextSymbolBeforeIt() {
        KernelSymbols k = KernelSymbols.parse(KALLSYMS);
        assertEquals(new Frame("do_syscall_64", FrameKind.KERNEL), k.resolve(0xffffffff81001000L));
        assertEquals("do_syscall_64", k.resolve(0xffffffff810011ffL).name());
        assertEquals("syscall_exit_work", k.resolve(0xffffffff81001200L).name());
        // Data symbols are not functions: the function before them still holds the address.
        assertEquals("syscall_exit_work", k.resolve(0xffffffff81001400L).name());
        assertEquals("arch_cpu_idle", k.resolve(0xffffffff81002050L).name());
        assertEquals("bpf_dispatcher_xdp", k.resolve(0xffffffffc0026ec8L).name());
        assertEquals(7, k.size(), "text symbols only, module ones included");
        assertFalse(k.restricted());
    }

    @Test
    void addressesOutsideEverySymbolAreUnknownKernelFrames() {
        KernelSymbols k = KernelSymbols.parse(KALLSYMS);
        assertEquals(new Frame("[unknown]", FrameKind.KERNEL), k.resolve(0xffffffff80000000L));
        assertEquals("[unknown]", k.resolve(0x1000L).name());
    }

    @Test
    void allZeroAddressesMeanKptrRestrictHidThem() {
        KernelSymbols k = KernelSymbols.parse("0000000000000000 T _stext\n0000000000000000 t do_syscall_64\n");
        assertTrue(k.restricted());
        assertEquals("[unknown]", k.resolve(0xffffffff81001000L).name());
    }

    @Test
    void malformedLinesAreSkipped() {
        KernelSymbols k = KernelSymbols.parse("garbage\nzzzz T x\nffffffff81000000 T\nffffffff81000000 T ok\n\n");
        assertEquals("ok", k.resolve(0xffffffff81000001L).name());
    }
}
