package io.bpf4j.syscall.symbols;

import java.util.Arrays;

/**
 * The JIT symbol file a JVM writes on {@code jcmd PID Compiler.perfmap} (JDK 17+), in the format
 * perf defined for {@code /tmp/perf-PID.map}: one {@code START SIZE name} line per code blob,
 * hex numbers with or without {@code 0x}. HotSpot names a compiled method
 * {@code void Workload.hot(int)}, the interpreter {@code Interpreter}, and other generated code by
 * what it is ({@code I2C/C2I adapters}, {@code StubRoutines (1)}, {@code new_instance Runtime1 stub}).
 * Methods inlined into a compiled method have no line of their own: the perf map names the
 * outermost method only. Later lines win where code was freed and its space reused.
 *
 * <pre>{@code
 * PerfMap map = PerfMap.parse(Files.readString(Path.of("/tmp/perf-4242.map")));
 * map.resolve(0x7fd1d4ec7620L);            // Frame[name=Workload.hot, kind=JAVA]
 * }</pre>
 */
public final class PerfMap {
    private final AddressIndex index;

    private PerfMap(AddressIndex index) {
        this.index = index;
    }

    /** Parses the file's text; malformed lines are skipped. */
    public static PerfMap parse(String text) {
        String[] lines = text.split("\n");
        long[] starts = new long[lines.length];
        long[] sizes = new long[lines.length];
        String[] names = new String[lines.length];
        int n = 0;
        for (int i = 0; i < lines.length; i++) {   // in file order: the index prefers the later of two equal starts
            String[] f = lines[i].trim().split(" ", 3);
            if (f.length < 3) {
                continue;
            }
            try {
                starts[n] = Long.parseUnsignedLong(hex(f[0]), 16);
                sizes[n] = Long.parseUnsignedLong(hex(f[1]), 16);
            } catch (NumberFormatException e) {
                continue;
            }
            if (sizes[n] == 0) {
                continue;
            }
            names[n] = f[2].trim();
            n++;
        }
        return new PerfMap(new AddressIndex(Arrays.copyOf(starts, n), Arrays.copyOf(sizes, n), Arrays.copyOf(names, n), n));
    }

    private static String hex(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }

    /** Number of code blobs. */
    public int size() {
        return index.size();
    }

    /** The frame at {@code address}, or null if no code blob holds it. */
    public Frame resolve(long address) {
        String name = index.nameAt(address);
        return name == null ? null : frameOf(name);
    }

    /**
     * Names a perf-map entry: a HotSpot method ({@code RET pkg.Class.method(ARGS)}) becomes
     * {@code pkg.Class.method} (JAVA), {@code Interpreter} is INTERPRETER, anything else is a JVM
     * stub named as written.
     */
    public static Frame frameOf(String entry) {
        if (entry.equals("Interpreter")) {
            return new Frame("Interpreter", FrameKind.INTERPRETER);
        }
        int paren = entry.indexOf('(');
        if (paren > 0 && entry.endsWith(")")) {
            String head = entry.substring(0, paren);
            int space = head.lastIndexOf(' ');
            String qualified = head.substring(space + 1);
            int dot = qualified.lastIndexOf('.');
            // A method has a return type, a class and a name; a stub named "StubRoutines (1)" has none of them.
            if (space > 0 && dot > 0 && dot < qualified.length() - 1 && qualified.indexOf(' ') < 0) {
                return new Frame(qualified, FrameKind.JAVA);
            }
        }
        return new Frame(entry, FrameKind.JVM_STUB);
    }
}
