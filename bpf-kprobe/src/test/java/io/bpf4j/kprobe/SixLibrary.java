package io.bpf4j.kprobe;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tiny shared library compiled with gcc at test time, whose functions the kernel tests probe and
 * call through JNA with values they choose: {@code six} takes six integer arguments (all in
 * registers on x86_64 and arm64), {@code regs_arg} takes a pointer to a user-space copy of a
 * {@code struct pt_regs} (to prove the syscall prologue's offsets without kprobes), {@code str_arg}
 * a string in user memory.
 */
final class SixLibrary {
    static final String SOURCE = String.join("\n",
            "/* bpf4j kprobe test fixture: compiled by SixLibrary with gcc -O1 -shared -fPIC */",
            "__attribute__((noinline, visibility(\"default\")))",
            "long six(long a, long b, long c, long d, long e, long f) {",
            "    return a * 1 + b * 3 + c * 5 + d * 7 + e * 11 + f * 13;",
            "}",
            "__attribute__((noinline, visibility(\"default\")))",
            "long regs_arg(const unsigned long *regs) {",
            "    return regs == 0 ? -1 : (long) regs[0];",
            "}",
            "__attribute__((noinline, visibility(\"default\")))",
            "long str_arg(long n, const char *s) {",
            "    long len = 0;",
            "    while (s[len]) len++;",
            "    return len + n;",
            "}",
            "");

    /** The functions, as JNA sees them. */
    interface Six extends Library {
        long six(long a, long b, long c, long d, long e, long f);

        long regs_arg(Pointer regs);

        long str_arg(long n, String s);
    }

    final Path path;
    final Six lib;

    private SixLibrary(Path path) {
        this.path = path;
        this.lib = Native.load(path.toString(), Six.class);
    }

    /** The value {@code six} returns for these arguments (the C formula, in Java). */
    static long expected(long a, long b, long c, long d, long e, long f) {
        return a + b * 3 + c * 5 + d * 7 + e * 11 + f * 13;
    }

    /** Compiles the library into {@code dir} and loads it. */
    static SixLibrary compile(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("six.c");
        Path so = dir.resolve("libsix.so");
        Files.writeString(src, SOURCE, StandardCharsets.US_ASCII);
        Process gcc = new ProcessBuilder("gcc", "-O1", "-shared", "-fPIC", "-o", so.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IllegalStateException("gcc failed to build " + so + ":\n" + out);
        }
        return new SixLibrary(so);
    }
}
