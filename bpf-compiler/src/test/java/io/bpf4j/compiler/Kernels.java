package io.bpf4j.compiler;

import io.bpf4j.core.attach.ProgramType;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.ProgramSpec;
import java.util.ArrayList;
import java.util.List;

/** Test glue: creates a compiled program's maps with bpf-syscall and loads it. */
final class Kernels implements AutoCloseable {
    final List<BpfMap> maps = new ArrayList<>();
    private final List<BpfMap> borrowed = new ArrayList<>();
    final BpfProgram program;

    Kernels(CompiledProgram p) {
        this(p, new BpfMap[0]);
    }

    /** Loads {@code p} with {@code shared} standing for its maps of those names (owned by someone else). */
    Kernels(CompiledProgram p, BpfMap... shared) {
        List<BpfMap> given = List.of(shared);
        borrowed.addAll(given);
        try {
            maps.addAll(given);                               // maps another program already made
            // tag::kernels[]
            for (MapDef d : p.maps()) {
                if (maps.stream().noneMatch(m -> m.name().equals(d.name()))) {
                    maps.add(BpfMap.create(spec(d)));
                }
            }
            ProgramSpec spec = ProgramSpec.of(ProgramType.valueOf(p.kind().name()), p.name(), p.program()).license("GPL")
                    .maps(maps.toArray(new BpfMap[0]));
            if (p.kind() == ProgramKind.SYSCALL) {
                spec = spec.flags(ProgramSpec.F_SLEEPABLE);
            }
            program = BpfProgram.load(spec);
            // end::kernels[]
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static MapSpec spec(MapDef d) {
        switch (d.kind()) {
            case HASH: return MapSpec.hash(d.name(), d.keySize(), d.valueSize(), d.maxEntries());
            case ARRAY: return MapSpec.array(d.name(), d.valueSize(), d.maxEntries());
            default: return MapSpec.ringBuf(d.name(), d.maxEntries());
        }
    }

    BpfMap map(String name) {
        for (BpfMap m : maps) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Override
    public void close() {
        if (program != null) {
            program.close();
        }
        for (BpfMap m : maps) {
            if (!borrowed.contains(m)) {
                m.close();
            }
        }
    }
}
