package io.bpf4j.examples.profile;

import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel side of a profile, owned: the stack and counts maps, the program of
 * {@link ProfilePrograms} attached to cpu-clock perf events on every online CPU, and reading
 * the result once sampling has stopped.
 *
 * <pre>{@code
 * try (Sampler s = Sampler.start(AttachPoint.cpuClock(49), ProfilePrograms.Filter.all(), true, true)) {
 *     Thread.sleep(10_000);
 *     s.stop();
 *     Sampler.Result r = s.read();
 * }
 * }</pre>
 */
public final class Sampler implements AutoCloseable {
    /** Frames per stack: the kernel's default {@code kernel.perf_event_max_stack}. */
    public static final int MAX_DEPTH = 127;
    /** Stack ids the stack map holds (as bcc's profile). */
    public static final int STACK_ENTRIES = 16_384;
    /** Distinct (pid, stacks, comm) keys counted. */
    public static final int COUNT_ENTRIES = 40_960;

    /**
     * What the maps held.
     *
     * @param samples the counted stacks
     * @param stats the {@link ProfilePrograms} counters (samples, lost stacks, full map)
     * @param stackIds stack ids in use when read (the stack map's fill)
     */
    public record Result(List<StackSample> samples, long[] stats, int stackIds) {
        /** Counter {@code slot} of {@link ProfilePrograms}. */
        public long stat(int slot) {
            return stats[slot];
        }
    }

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final BpfMap stacks;
    private final BpfMap counts;
    private final BpfMap stats;
    private BpfLink link;

    private Sampler(AttachPoint.PerfEvent event, ProfilePrograms.Filter filter, boolean user, boolean kernel) {
        boolean ok = false;
        try {
            stacks = keep(BpfMap.create(MapSpec.stackTrace("prof_stacks", MAX_DEPTH, STACK_ENTRIES)));
            counts = keep(BpfMap.create(MapSpec.hash("prof_counts", ProfilePrograms.KEY_SIZE, Long.BYTES, COUNT_ENTRIES)));
            stats = keep(BpfMap.create(MapSpec.array("prof_stats", ProfilePrograms.STATS_SLOTS * Long.BYTES, 1)));
            BpfProgram program = keep(BpfProgram.load(ProgramSpec.of("profile",
                    new ProfilePrograms(filter, user, kernel).sampler(), event).license("GPL").maps(stacks, counts, stats)));
            // Every process on every CPU: a perf event opened for a pid follows one thread only, so
            // -p/--tid filter by tgid/tid in the program instead.
            link = keep(program.attach(event));
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** Creates the maps, loads the program and starts sampling on every online CPU. */
    public static Sampler start(AttachPoint.PerfEvent event, ProfilePrograms.Filter filter, boolean user, boolean kernel) {
        return new Sampler(event, filter, user, kernel);
    }

    /** Stops sampling (detaches the perf events); the maps stay readable. */
    public void stop() {
        if (link != null) {
            link.close();
        }
    }

    /** Reads the counts and their stacks (call after {@link #stop()} for a consistent picture). */
    public Result read() {
        long[] st = new long[ProfilePrograms.STATS_SLOTS];
        Optional<byte[]> raw = stats.lookup(new byte[4]);
        if (raw.isPresent()) {
            ByteBuffer b = ByteBuffer.wrap(raw.get()).order(ByteOrder.nativeOrder());
            for (int i = 0; i < st.length; i++) {
                st[i] = b.getLong(i * Long.BYTES);
            }
        }
        Map<Integer, long[]> stackCache = new HashMap<>();
        List<StackSample> out = new ArrayList<>();
        for (byte[] key : counts.keys()) {
            Optional<byte[]> value = counts.lookup(key);
            if (value.isEmpty()) {
                continue;
            }
            ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
            int pid = k.getInt(0);
            int userId = k.getInt(4);
            int kernelId = k.getInt(8);
            int len = 0;
            while (len < 16 && key[16 + len] != 0) {
                len++;
            }
            String comm = new String(key, 16, len, StandardCharsets.UTF_8);
            long count = ByteBuffer.wrap(value.get()).order(ByteOrder.nativeOrder()).getLong(0);
            out.add(new StackSample(pid, comm, stack(userId, stackCache), stack(kernelId, stackCache), userId, kernelId, count));
        }
        return new Result(out, st, stacks.keys().size());
    }

    private long[] stack(int id, Map<Integer, long[]> cache) {
        if (id < 0) {
            return new long[0];
        }
        return cache.computeIfAbsent(id, i -> {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, i).array();
            Optional<byte[]> v = stacks.lookup(key);
            if (v.isEmpty()) {
                return new long[0];
            }
            ByteBuffer b = ByteBuffer.wrap(v.get()).order(ByteOrder.nativeOrder());
            int n = 0;
            while (n < MAX_DEPTH && b.getLong(n * Long.BYTES) != 0) {
                n++;
            }
            long[] frames = new long[n];
            for (int f = 0; f < n; f++) {
                frames[f] = b.getLong(f * Long.BYTES);
            }
            return frames;
        });
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.push(resource);
        return resource;
    }

    /** Detaches and closes everything. */
    @Override
    public void close() {
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                // Closing twice is harmless; nothing else can fail here.
            }
        }
    }
}
