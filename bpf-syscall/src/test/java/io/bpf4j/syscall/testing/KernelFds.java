package io.bpf4j.syscall.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This process's file descriptors for kernel objects bpf4j creates: BPF maps, programs, links and
 * BTF, perf events, epoll sets and eventfds. Leak tests compare these, not every open fd: the JVM
 * opens jar files and other fds lazily (the first use of a class), which would make a plain fd
 * count flaky.
 *
 * <pre>{@code
 * long before = KernelFds.count();
 * ... create and close ...
 * assertEquals(before, KernelFds.count(), KernelFds.list().toString());
 * }</pre>
 */
public final class KernelFds {
    private KernelFds() {
    }

    /** Link targets ({@code anon_inode:bpf-map}, {@code anon_inode:[eventfd]}, …) of the kernel-object fds. */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedWhileListing) {
                    continue;
                }
                if (isKernelObject(target)) {
                    out.add(target);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return out;
    }

    /** How many kernel-object fds are open. */
    public static long count() {
        return list().size();
    }

    static boolean isKernelObject(String target) {
        return target.startsWith("anon_inode:bpf") || target.equals("anon_inode:btf")
                || target.equals("anon_inode:[perf_event]") || target.equals("anon_inode:[eventfd]")
                || target.equals("anon_inode:[eventpoll]");
    }
}
