package io.bpf4j.syscall;

/**
 * A perf event to drive a {@code PERF_EVENT} program: its type and config, and how often it
 * samples (a period, or a frequency in Hz). {@link BpfProgram#attachPerfEvent} opens one per
 * online CPU.
 *
 * <pre>{@code
 * try (BpfLink l = prog.attachPerfEvent(PerfEventSpec.cpuClockFrequency(99))) { ... }
 * }</pre>
 *
 * @param type {@code PERF_TYPE_*} (1 = software, 0 = hardware)
 * @param config the event within the type ({@code PERF_COUNT_SW_CPU_CLOCK} = 0)
 * @param periodOrFrequency sample period, or frequency in Hz when {@code frequency}
 * @param frequency true if {@code periodOrFrequency} is a frequency
 */
public record PerfEventSpec(int type, long config, long periodOrFrequency, boolean frequency) {
    /** {@code PERF_TYPE_SOFTWARE}. */
    public static final int PERF_TYPE_SOFTWARE = 1;
    /** {@code PERF_COUNT_SW_CPU_CLOCK}. */
    public static final long PERF_COUNT_SW_CPU_CLOCK = 0;

    public PerfEventSpec {
        if (periodOrFrequency <= 0) {
            throw new IllegalArgumentException("perf event " + (frequency ? "frequency " : "period ") + periodOrFrequency
                    + ": expected > 0");
        }
    }

    /** cpu-clock sampled {@code hz} times per second on each CPU. */
    public static PerfEventSpec cpuClockFrequency(long hz) {
        return new PerfEventSpec(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, hz, true);
    }

    /** cpu-clock sampled every {@code nanos} of CPU time on each CPU. */
    public static PerfEventSpec cpuClockPeriod(long nanos) {
        return new PerfEventSpec(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, nanos, false);
    }
}
