package io.bpf4j.syscall;

import io.bpf4j.syscall.internal.UprobeResolver;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a uprobe goes: a binary or library (a path, or a short name such as {@code "libc"}
 * found through this process's mappings, {@code /etc/ld.so.cache} or the standard directories),
 * a symbol (plain, {@code memcpy@@GLIBC_2.14} for the default version, {@code memcpy@GLIBC_2.2.5}
 * for another) or a raw file offset, an extra offset into the function, and an optional pid.
 *
 * <pre>{@code
 * UprobeTarget getpid = UprobeTarget.of("libc", "getpid");
 * UprobeTarget mine = UprobeTarget.of("/usr/bin/bash", "readline").pid(1234);
 * UprobeTarget raw = UprobeTarget.atOffset("/opt/app/bin/app", 0x4f20);
 * UprobeTarget.Resolved r = getpid.resolve();   // file + offset, as the kernel will get them
 * }</pre>
 *
 * <p>IFUNC symbols (libc's {@code strlen}, {@code memcpy}) are resolvers that pick an
 * implementation when the library is loaded. Resolving one gives the implementation this
 * process uses (its {@code dlsym} address mapped back to a file offset through
 * {@code /proc/self/maps}); if the library is not loaded in this process, resolution fails with
 * an error naming the IFUNC. The resolver itself is never probed.
 *
 * @param binary a path or a short library/program name
 * @param symbol the symbol, or null with a raw {@code offset}
 * @param offset added to the symbol's file offset (or the raw file offset)
 * @param pid only this process (-1: every process)
 */
public record UprobeTarget(String binary, String symbol, long offset, int pid) {
    public UprobeTarget {
        Objects.requireNonNull(binary, "binary");
        if (symbol == null && offset <= 0) {
            throw new IllegalArgumentException("uprobe target in " + binary + ": give a symbol or a positive file offset");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("uprobe offset " + offset + ": expected >= 0");
        }
        if (pid < -1) {
            throw new IllegalArgumentException("uprobe pid " + pid + ": expected a pid or -1 for all processes");
        }
    }

    /** The function {@code symbol} in {@code binary}, every process. */
    public static UprobeTarget of(String binary, String symbol) {
        return new UprobeTarget(binary, Objects.requireNonNull(symbol, "symbol"), 0, -1);
    }

    /** A raw file offset in {@code binary}. */
    public static UprobeTarget atOffset(String binary, long fileOffset) {
        return new UprobeTarget(binary, null, fileOffset, -1);
    }

    /** Only process {@code pid}. */
    public UprobeTarget pid(int newPid) {
        return new UprobeTarget(binary, symbol, offset, newPid);
    }

    /** {@code extra} bytes into the function. */
    public UprobeTarget plus(long extra) {
        return new UprobeTarget(binary, symbol, offset + extra, pid);
    }

    /**
     * A target resolved to what the kernel takes.
     *
     * @param file the file the probe goes in
     * @param fileOffset the offset in that file
     * @param ifunc true if the symbol was an IFUNC resolved through this process
     * @param description how it was resolved, for logs and errors
     */
    public record Resolved(Path file, long fileOffset, boolean ifunc, String description) {
    }

    /** Resolves the file and offset (reads ELF headers; no kernel call). */
    public Resolved resolve() {
        return UprobeResolver.resolve(this);
    }
}
