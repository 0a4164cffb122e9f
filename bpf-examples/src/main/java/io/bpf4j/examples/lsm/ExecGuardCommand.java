package io.bpf4j.examples.lsm;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.examples.ToolSession;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.syscall.BpfException;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.Privileges;
import io.bpf4j.syscall.ProgramSpec;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./bpf4j exec-guard --deny PATH}: while it runs, nobody on the machine can execute the
 * given files (by inode and device, so another name of the same file is refused too; a copy is
 * not). A BPF LSM program on {@code bprm_check_security}; needs the BPF LSM active
 * ({@code bpf} in {@code /sys/kernel/security/lsm}) and a kernel that allows BPF trampolines.
 *
 * <pre>{@code
 * ./bpf4j exec-guard --deny /usr/bin/nc --deny /usr/bin/curl
 * }</pre>
 */
@Command(name = "exec-guard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Refuse to execute the given files (EPERM) while running, with a BPF LSM program on",
            "bprm_check_security. Prints 'Guarding ... Hit Ctrl-C to end.' on stderr once attached; on exit, how",
            "many execs of each file it refused. Needs the BPF LSM (bpf in /sys/kernel/security/lsm)."})
public final class ExecGuardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--deny", required = true, paramLabel = "PATH", description = "A file nobody may execute (repeatable).")
    List<Path> deny;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: Ctrl-C).")
    Double duration;

    @Override
    @SuppressWarnings("try") // the link is held, not used: closing it at the end detaches the program
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Map<Path, byte[]> keys = new LinkedHashMap<>();
        for (Path p : deny) {
            if (!Files.isRegularFile(p)) {
                throw new ParameterException(spec.commandLine(), "--deny " + p + ": no such file");
            }
            Path real = p.toRealPath();
            long ino = (Long) Files.getAttribute(real, "unix:ino");
            long dev = (Long) Files.getAttribute(real, "unix:dev");
            keys.put(real, ByteBuffer.allocate(ExecGuardProgram.KEY_SIZE).order(ByteOrder.nativeOrder())
                    .putLong(0, ino).putInt(8, ExecGuardProgram.kernelDev(dev)).array());
        }
        Optional<String> missing = Privileges.missingForTracing();
        if (missing.isPresent()) {
            err.println("bpf4j exec-guard: " + missing.get());
            err.flush();
            return 1;
        }
        AttachPoint at = AttachPoint.lsm("bprm_check_security");
        try (ToolSession session = ToolSession.start(duration == null ? null : Duration.ofMillis((long) (duration * 1000)));
             BpfMap denied = BpfMap.create(MapSpec.hash("denied", ExecGuardProgram.KEY_SIZE, 8, keys.size()))) {
            for (byte[] k : keys.values()) {
                denied.update(k, new byte[8]);
            }
            try (BpfProgram prog = BpfProgram.load(ProgramSpec.of("exec_guard", ExecGuardProgram.build(denied,
                    ExecGuardProgram.Offsets.of(Btf.kernel())), at).license("GPL").maps(denied));
                 BpfLink link = prog.attach(at)) {
                err.println("Guarding " + keys.size() + " file" + (keys.size() == 1 ? "" : "s") + " against exec... "
                        + "Hit Ctrl-C to end.");
                err.flush();
                session.startClock();
                while (session.running()) {
                    Thread.sleep(Math.max(1, session.pollTimeout(Duration.ofMillis(100)).toMillis()));
                }
            } catch (BpfException e) {
                err.println("bpf4j exec-guard: " + e.getMessage());
                err.flush();
                return 1;
            }
            for (Map.Entry<Path, byte[]> e : keys.entrySet()) {
                long n = ByteBuffer.wrap(denied.lookup(e.getValue()).orElse(new byte[8])).order(ByteOrder.nativeOrder()).getLong(0);
                out.println("refused " + n + " exec" + (n == 1 ? "" : "s") + " of " + e.getKey());
            }
            out.flush();
        }
        return 0;
    }
}
