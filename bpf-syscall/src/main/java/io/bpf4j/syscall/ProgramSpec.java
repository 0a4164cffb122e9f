package io.bpf4j.syscall;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.attach.AttachPoint;
import io.bpf4j.core.attach.AttachType;
import io.bpf4j.core.attach.AttachableProgram;
import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.internal.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to load: a bpf-core {@link Program}, its type and name, license, expected attach type,
 * kernel version, flags, and the maps its {@code ld_imm64} references resolve to by name.
 * Each {@code with}-style method returns a new spec.
 *
 * <pre>{@code
 * ProgramSpec spec = ProgramSpec.tracepoint("count_getppid", program)
 *         .license("GPL")
 *         .maps(counts);               // resolves the program's references to "counts"
 * try (BpfProgram p = BpfProgram.load(spec)) { ... }
 * }</pre>
 *
 * @param type the program type
 * @param name at most 15 characters of {@code [A-Za-z0-9_.]}
 * @param program the instructions
 * @param license "GPL" (or a GPL-compatible string) to use GPL-only helpers
 * @param expectedAttachType null for none
 * @param kernelVersion {@code kern_version} (ignored by kernels since 5.0; 0 is fine)
 * @param flags {@code BPF_F_*} load flags ({@link #F_SLEEPABLE}, …)
 * @param maps the maps program references are resolved against, by name
 * @param target where {@link BpfProgram#attach()} attaches the loaded program, or null
 */
public record ProgramSpec(ProgramType type, String name, Program program, String license,
                          AttachType expectedAttachType, int kernelVersion, int flags, List<MapReference> maps,
                          AttachPoint target) {

    /** {@code BPF_F_STRICT_ALIGNMENT}. */
    public static final int F_STRICT_ALIGNMENT = 1;
    /** {@code BPF_F_ANY_ALIGNMENT}. */
    public static final int F_ANY_ALIGNMENT = 1 << 1;
    /** {@code BPF_F_TEST_RND_HI32}. */
    public static final int F_TEST_RND_HI32 = 1 << 2;
    /** {@code BPF_F_SLEEPABLE}: the program may sleep (syscall programs, sleepable uprobes). */
    public static final int F_SLEEPABLE = 1 << 4;

    public ProgramSpec {
        Objects.requireNonNull(type, "program type");
        Names.checkObjectName("program", name);
        Objects.requireNonNull(program, "program");
        license = license == null ? "" : license;
        maps = List.copyOf(maps == null ? List.of() : maps);
        if (target != null && target.programType() != type) {
            throw new IllegalArgumentException("program '" + name + "' of type " + type + " cannot go to " + target
                    + ", which needs a " + target.programType() + " program");
        }
    }

    /**
     * A spec for a program that knows where it goes (a probe from bpf-kprobe): the program type
     * and expected attach type follow from its target, and {@link BpfProgram#attach()} attaches there.
     */
    public static ProgramSpec of(AttachableProgram p) {
        Objects.requireNonNull(p, "program");
        return of(p.name(), p.program(), p.target());
    }

    /** A spec for {@code program} meant for {@code target}: the program type follows from the point. */
    public static ProgramSpec of(String name, Program program, AttachPoint target) {
        Objects.requireNonNull(target, "attach point");
        return new ProgramSpec(target.programType(), name, program, "", target.kind().expectedAttachType(), 0, 0,
                List.of(), target);
    }

    /** A spec of {@code type} with no license, maps or flags. */
    public static ProgramSpec of(ProgramType type, String name, Program program) {
        return new ProgramSpec(type, name, program, "", null, 0, 0, List.of(), null);
    }

    /** {@code BPF_PROG_TYPE_KPROBE}: kprobes, kretprobes, uprobes and uretprobes (context: pt_regs). */
    public static ProgramSpec kprobe(String name, Program program) {
        return of(ProgramType.KPROBE, name, program);
    }

    /** {@code BPF_PROG_TYPE_TRACEPOINT} (context: the tracepoint's record, see its format file). */
    public static ProgramSpec tracepoint(String name, Program program) {
        return of(ProgramType.TRACEPOINT, name, program);
    }

    /** {@code BPF_PROG_TYPE_RAW_TRACEPOINT} (context: the raw tracepoint's u64 arguments). */
    public static ProgramSpec rawTracepoint(String name, Program program) {
        return of(ProgramType.RAW_TRACEPOINT, name, program);
    }

    /**
     * {@code BPF_PROG_TYPE_SYSCALL}: run with {@link BpfProgram#testRun}, context in and out.
     * Sleepable ({@link #F_SLEEPABLE}), as the kernel requires of syscall programs.
     */
    public static ProgramSpec syscall(String name, Program program) {
        return of(ProgramType.SYSCALL, name, program).flags(F_SLEEPABLE);
    }

    /** {@code BPF_PROG_TYPE_XDP}. */
    public static ProgramSpec xdp(String name, Program program) {
        return of(ProgramType.XDP, name, program);
    }

    /** {@code BPF_PROG_TYPE_SOCKET_FILTER}. */
    public static ProgramSpec socketFilter(String name, Program program) {
        return of(ProgramType.SOCKET_FILTER, name, program);
    }

    /** {@code BPF_PROG_TYPE_PERF_EVENT} (context: bpf_perf_event_data). */
    public static ProgramSpec perfEvent(String name, Program program) {
        return of(ProgramType.PERF_EVENT, name, program);
    }

    /** With this license string ("GPL", "Dual BSD/GPL", …). */
    public ProgramSpec license(String newLicense) {
        return new ProgramSpec(type, name, program, newLicense, expectedAttachType, kernelVersion, flags, maps, target);
    }

    /** With an expected attach type. */
    public ProgramSpec expectedAttachType(AttachType attachType) {
        return new ProgramSpec(type, name, program, license, attachType, kernelVersion, flags, maps, target);
    }

    /** With {@code kern_version} (needed by kprobe programs on kernels before 5.0 only). */
    public ProgramSpec kernelVersion(int version) {
        return new ProgramSpec(type, name, program, license, expectedAttachType, version, flags, maps, target);
    }

    /** With load flags. */
    public ProgramSpec flags(int newFlags) {
        return new ProgramSpec(type, name, program, license, expectedAttachType, kernelVersion, newFlags, maps, target);
    }

    /** With these maps added to those the program's references resolve against, by name. */
    public ProgramSpec maps(MapReference... more) {
        List<MapReference> all = new ArrayList<>(maps);
        for (MapReference m : more) {
            all.add(Objects.requireNonNull(m, "map"));
        }
        return new ProgramSpec(type, name, program, license, expectedAttachType, kernelVersion, flags, all, target);
    }

    /** With another program (same type, name and settings). */
    public ProgramSpec program(Program newProgram) {
        return new ProgramSpec(type, name, newProgram, license, expectedAttachType, kernelVersion, flags, maps, target);
    }
}
